import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';

/**
 * Who a request claims to be. `forged` is any token that must not authenticate (401); `ghost` is
 * a validly signed token naming a user who does not exist (an account gone, a database restored
 * from an older backup): it authenticates, but may write nothing.
 */
export type Caller = 'anonymous' | 'owner' | 'other' | 'admin' | 'ghost' | 'forged';

export interface TokenChoice {
  readonly caller: Caller;
  /** What kind of token, for the report (`expired`, `alg none`, …). */
  readonly label: string;
  /** The Authorization header, absent for an anonymous call. */
  readonly authorization?: string;
}

/** What the server signs with and who exists, so forgeries can be exact. */
export interface TokenFacts {
  readonly jwtSecret: string;
  readonly adminId: string;
  readonly ownerId: string;
}

const ISSUER = 'orders';
const AUDIENCE = 'orders-api';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HMAC-signed JWT from raw header and payload text (the payload may carry `__proto__`). */
export function signJwt(header: object, payloadText: string, secret: string, hash = 'sha256') {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(payloadText)}`;
  const signature = createHmac(hash, secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

function claims(subject: string, role: string, extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    sub: subject,
    role,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...extra,
  });
}

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** Tokens a forger could make, each of which the server must refuse, named for the report. */
function forgeries(facts: TokenFacts): Record<string, string> {
  const { jwtSecret: secret, adminId, ownerId } = facts;
  const past = Math.floor(Date.now() / 1000) - 7200;
  const anotherSecret = randomBytes(32).toString('hex');
  const valid = signJwt(HS256, claims(ownerId, 'CUSTOMER'), secret);
  const [header = '', , signature = ''] = valid.split('.');
  return {
    'alg none': `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(claims(adminId, 'ADMIN'))}.`,
    'alg none, signature kept': `${base64url(JSON.stringify({ alg: 'none' }))}.${base64url(claims(adminId, 'ADMIN'))}.${signature}`,
    'another secret': signJwt(HS256, claims(adminId, 'ADMIN'), anotherSecret),
    'HS512 with the right secret': signJwt(
      { alg: 'HS512' },
      claims(adminId, 'ADMIN'),
      secret,
      'sha512',
    ),
    expired: signJwt(HS256, claims(ownerId, 'CUSTOMER', { iat: past, exp: past + 3600 }), secret),
    'not yet valid': signJwt(HS256, claims(ownerId, 'CUSTOMER', { nbf: past + 14_400 }), secret),
    'wrong issuer': signJwt(HS256, claims(adminId, 'ADMIN', { iss: 'evil' }), secret),
    'wrong audience': signJwt(HS256, claims(adminId, 'ADMIN', { aud: ['evil', 'x'] }), secret),
    'no expiry': signJwt(HS256, claims(adminId, 'ADMIN', { exp: undefined }), secret),
    'unknown role': signJwt(HS256, claims(ownerId, 'SUPERUSER'), secret),
    'role in an array': signJwt(HS256, claims(ownerId, 'x', { role: ['ADMIN'] }), secret),
    'subject not a uuid': signJwt(HS256, claims("1' or '1'='1", 'ADMIN'), secret),
    'role in __proto__': signJwt(
      HS256,
      claims(ownerId, 'x').replace('"role":"x"', '"__proto__":{"role":"ADMIN"}'),
      secret,
    ),
    'critical header': signJwt(
      { ...HS256, crit: ['exp'], exp: 1 },
      claims(adminId, 'ADMIN'),
      secret,
    ),
    'payload swapped': `${header}.${base64url(claims(ownerId, 'ADMIN'))}.${signature}`,
    'signature truncated': valid.slice(0, -3),
    'huge claims': signJwt(
      HS256,
      claims(adminId, 'ADMIN', { pad: 'x'.repeat(9_000) }),
      anotherSecret,
    ),
  };
}

/** Header-safe text: printable Latin-1 (fetch refuses anything else in a header). */
export const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((code) => String.fromCharCode(code)),
    maxLength,
  });

/** Every way an Authorization header can fail to name a real, current user. */
export function badTokens(facts: TokenFacts): fc.Arbitrary<TokenChoice> {
  const forged = Object.entries(forgeries(facts)).map(([label, token]): TokenChoice => ({
    caller: 'forged',
    label,
    authorization: `Bearer ${token}`,
  }));
  const ghost: TokenChoice = {
    caller: 'ghost',
    label: 'user does not exist',
    authorization: `Bearer ${signJwt(HS256, claims(randomUUID(), 'CUSTOMER'), facts.jwtSecret)}`,
  };
  const garbage = fc.oneof(
    headerText(200),
    headerText(200).map((text) => `Bearer ${text}`),
    fc
      .array(fc.base64String({ maxLength: 40 }), { minLength: 3, maxLength: 3 })
      .map((parts) => `Bearer ${parts.join('.')}`),
    fc.constantFrom(
      'Bearer',
      'Basic YWRtaW46YWRtaW4=',
      'Bearer a.b.c',
      'Bearer ..',
      'Bearer a.b.c.d',
      `Bearer ${'a'.repeat(12_000)}.b.c`,
    ),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...forged) },
    { weight: 1, arbitrary: fc.constant(ghost) },
    {
      weight: 2,
      arbitrary: garbage.map((authorization): TokenChoice => ({
        caller: 'forged',
        label: 'garbage',
        authorization,
      })),
    },
  );
}
