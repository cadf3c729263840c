import { err, ok, type DomainError, type Result } from '@orders/core';
import { createUserRepository, type EntityManager, type UserRecord } from '@orders/db';
import { hashPassword } from '../auth/password.js';

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly name?: string | undefined;
}

/**
 * Registers a CUSTOMER. The role is not an input: no one signs up as ADMIN. The unique
 * constraint, not a prior read, decides whether the email is taken, so two racing sign-ups
 * cannot both succeed.
 */
export async function signUp(
  deps: { em: EntityManager; now: Date },
  input: SignUpInput,
): Promise<Result<UserRecord, DomainError>> {
  const email = normalizeEmail(input.email);
  const user = await createUserRepository(deps.em).insert({
    email,
    name: input.name?.trim() ?? '',
    role: 'CUSTOMER',
    passwordHash: await hashPassword(input.password),
    createdAt: deps.now,
  });
  return user ? ok(user) : err({ code: 'AUTH.EMAIL_TAKEN' });
}

/** Emails compare case-insensitively and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
