import { err, ok, type DomainError, type Result } from '@orders/core';
import {
  createRateLimitRepository,
  createUserRepository,
  type Database,
  type EntityManager,
  type UserRecord,
} from '@orders/db';
import type { TokenService } from '../auth/jwt.js';
import { timingDecoyHash, verifyPassword } from '../auth/password.js';
import { normalizeEmail } from './sign-up.js';

/** DESIGN §4: 5 login attempts per minute per email and client address. */
export const LOGIN_LIMIT = { attempts: 5, windowMs: 60_000 } as const;

export interface LogInInput {
  readonly email: string;
  readonly password: string;
  readonly clientIp: string;
}

export interface Session {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresAt: Date;
  readonly user: UserRecord;
}

/**
 * Checks the password and issues an access token. Every attempt counts against the limit before
 * any password is checked (the check is what an attacker wants to repeat); a success clears the
 * count. Unknown email and wrong password give the same error after the same work.
 */
export async function logIn(
  deps: { em: EntityManager; db: Database; tokens: TokenService; now: Date },
  input: LogInInput,
): Promise<Result<Session, DomainError>> {
  const email = normalizeEmail(input.email);
  const limits = createRateLimitRepository(deps.db);
  const limitKey = `login:${email}:${input.clientIp}`;
  const hits = await limits.hit(limitKey, LOGIN_LIMIT.windowMs, deps.now);
  if (hits > LOGIN_LIMIT.attempts) {
    return err({ code: 'AUTH.RATE_LIMITED', retryAfterMs: LOGIN_LIMIT.windowMs });
  }

  const credentials = await createUserRepository(deps.em).findCredentialsByEmail(email);
  const passwordOk = credentials
    ? await verifyPassword(credentials.passwordHash, input.password)
    : await verifyPassword(await timingDecoyHash(), input.password).then(() => false);
  if (!credentials || !passwordOk) return err({ code: 'AUTH.INVALID_CREDENTIALS' });

  await limits.reset(limitKey);
  const { user } = credentials;
  const { token, expiresAt } = await deps.tokens.issue(
    { userId: user.id, role: user.role },
    deps.now,
  );
  return ok({ accessToken: token, tokenType: 'Bearer', expiresAt, user });
}
