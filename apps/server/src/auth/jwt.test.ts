import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, JWT_AUDIENCE, JWT_ISSUER } from './jwt.js';

const secret = 'a-test-secret-of-at-least-32-bytes!!';
const key = new TextEncoder().encode(secret);
const now = new Date('2026-11-25T12:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const userId = randomUUID();

/** A token signed with the right key, built claim by claim so each test can leave one out. */
function forge(claims: {
  alg?: string;
  key?: Uint8Array;
  iss?: string | null;
  aud?: string | null;
  exp?: number | null;
  sub?: string | null;
  role?: string;
}): Promise<string> {
  const jwt = new SignJWT({ role: claims.role ?? 'ADMIN' })
    .setProtectedHeader({ alg: claims.alg ?? 'HS256' })
    .setIssuedAt(nowSeconds);
  if (claims.sub !== null) jwt.setSubject(claims.sub ?? userId);
  if (claims.iss !== null) jwt.setIssuer(claims.iss ?? JWT_ISSUER);
  if (claims.aud !== null) jwt.setAudience(claims.aud ?? JWT_AUDIENCE);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? nowSeconds + 60);
  return jwt.sign(claims.key ?? key);
}

describe('the token service', () => {
  it('verifies the tokens it issues, naming the user and role', async () => {
    const tokens = await createTokenService(secret);
    const { token, expiresAt } = await tokens.issue({ userId, role: 'CUSTOMER' }, now);
    expect(expiresAt.getTime() - now.getTime()).toBe(3600_000);
    expect(await tokens.verify(token, now)).toEqual({
      ok: true,
      subject: { userId, role: 'CUSTOMER' },
    });
  });

  it('refuses an expired token and says it expired', async () => {
    const tokens = await createTokenService(secret);
    const { token } = await tokens.issue({ userId, role: 'CUSTOMER' }, now);
    const later = new Date(now.getTime() + 3601_000);
    expect(await tokens.verify(token, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token once it expires, even after it verified while fresh', async () => {
    const tokens = await createTokenService(secret);
    const { token } = await tokens.issue({ userId, role: 'CUSTOMER' }, now);
    expect((await tokens.verify(token, now)).ok).toBe(true);
    expect((await tokens.verify(token, new Date(now.getTime() + 3599_000))).ok).toBe(true);
    const later = new Date(now.getTime() + 3600_000);
    expect(await tokens.verify(token, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a tampered copy of a token that verified before', async () => {
    const tokens = await createTokenService(secret);
    const { token } = await tokens.issue({ userId, role: 'CUSTOMER' }, now);
    expect((await tokens.verify(token, now)).ok).toBe(true);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object;
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString(
      'base64url',
    );
    expect(await tokens.verify(`${header}.${promoted}.${signature}`, now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await tokens.verify(`${token}x`, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const tokens = await createTokenService(secret);
    const token = new UnsecuredJWT({ role: 'ADMIN' })
      .setSubject(userId)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 60)
      .encode();
    expect(await tokens.verify(token, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    [
      'signed with another key',
      { key: new TextEncoder().encode('another-secret-of-32-bytes-or-more!!') },
    ],
    ['signed with HS512', { alg: 'HS512' }],
    ['without exp', { exp: null }],
    ['without sub', { sub: null }],
    ['from another issuer', { iss: 'someone-else' }],
    ['for another audience', { aud: 'another-api' }],
    ['with an unknown role', { role: 'ROOT' }],
    ['with a subject that is not a user id', { sub: 'admin' }],
  ])('refuses a token %s', async (_, claims) => {
    const tokens = await createTokenService(secret);
    expect(await tokens.verify(await forge(claims), now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts the forge helper’s baseline token, so each refusal above is about one claim', async () => {
    const tokens = await createTokenService(secret);
    expect((await tokens.verify(await forge({}), now)).ok).toBe(true);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const tokens = await createTokenService(secret);
    const { token } = await tokens.issue({ userId, role: 'CUSTOMER' }, now);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString(
      'base64url',
    );
    expect(await tokens.verify(`${header}.${tampered}.${signature}`, now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});
