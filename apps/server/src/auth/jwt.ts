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
  exp: z.number(),
});

/** Verified tokens remembered at most; a client sends the same token for its whole hour. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * HS256 tokens with the key imported once (a CryptoKey verifies about twice as fast as raw
 * bytes). Verification pins the algorithm, issuer and audience and requires `exp`, `iat` and
 * `sub`: jose would otherwise accept a token that never expires.
 *
 * A token that verified is remembered by its exact text until its `exp`: the next request with
 * the same bytes skips the HMAC (an async WebCrypto job, the costliest step of an authenticated
 * request) and is only checked for expiry. Only the same signed bytes can hit the cache, so it
 * accepts nothing the signature check would refuse.
 */
export async function createTokenService(secret: string): Promise<TokenService> {
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const verified = new Map<string, { subject: TokenSubject; expiresAtMs: number }>();
  const remember = (token: string, entry: { subject: TokenSubject; expiresAtMs: number }) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next();
      if (oldest.done !== true) verified.delete(oldest.value);
    }
    verified.set(token, entry);
  };
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
      const known = verified.get(token);
      if (known !== undefined) {
        if (now.getTime() < known.expiresAtMs) return { ok: true, subject: known.subject };
        verified.delete(token);
        return { ok: false, reason: 'expired' };
      }
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
        const subject = { userId: claims.data.sub, role: claims.data.role };
        remember(token, { subject, expiresAtMs: claims.data.exp * 1000 });
        return { ok: true, subject };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        return { ok: false, reason: 'invalid' };
      }
    },
  };
}
