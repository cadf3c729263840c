import { createUserRepository, type EntityManager, type UserRecord } from '@orders/db';
import { hashPassword } from '../auth/password.js';
import { normalizeEmail } from './sign-up.js';

/**
 * Makes sure the configured admin exists, is ADMIN and has the configured password. Setting the
 * password too matters: had someone signed up with that email first, promoting their account
 * without resetting it would hand them the admin role.
 */
export async function bootstrapAdmin(
  deps: { em: EntityManager; now: Date },
  admin: { email: string; password: string; name?: string },
): Promise<UserRecord> {
  return createUserRepository(deps.em).upsertAdmin({
    email: normalizeEmail(admin.email),
    name: admin.name ?? 'Administrator',
    passwordHash: await hashPassword(admin.password),
    createdAt: deps.now,
  });
}
