import { randomUUID, webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export const JWT_ISSUER = 'orders';
export const JWT_AUDIENCE = 'orders-api';
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const ALGORITHM = 'HS256';

export type Role = 'CUSTOMER' | 'ADMIN';

/** Who a verified token says the caller is. */
export interface TokenSubject {
  readonly userId: string;
  readonly role: Role;
}

export type TokenCheck =
  | { readonly ok: true; readonly subject: TokenSubject }
  | { readonly ok: false; readonly reason: 'expired' | 'invalid' };

export interface TokenService {
  issue(subject: TokenSubject, now: Date): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string, now: Date): Promise<TokenCheck>;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  role: z.enum(['CUSTOMER', 'ADMIN']),
});

/**
 * HS256 tokens with the key imported once (a CryptoKey verifies about twice as fast as raw
 * bytes). Verification pins the algorithm, issuer and audience and requires `exp`, `iat` and
 * `sub`: jose would otherwise accept a token that never expires.
 */
export async function createTokenService(secret: string): Promise<TokenService> {
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return {
    async issue(subject, now) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAtSeconds = issuedAt + ACCESS_TOKEN_TTL_SECONDS;
      const token = await new SignJWT({ role: subject.role })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(subject.userId)
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
    },

    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'sub'],
          currentDate: now,
        });
        const claims = claimsSchema.safeParse(payload);
        if (!claims.success) return { ok: false, reason: 'invalid' };
        return { ok: true, subject: { userId: claims.data.sub, role: claims.data.role } };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        return { ok: false, reason: 'invalid' };
      }
    },
  };
}
