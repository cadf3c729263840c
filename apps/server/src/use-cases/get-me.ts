import { err, ok, type DomainError, type Result } from '@orders/core';
import { createUserRepository, type EntityManager, type UserRecord } from '@orders/db';

/** The caller's own record; a token for a user that no longer exists is not a session. */
export async function getMe(
  deps: { em: EntityManager },
  userId: string,
): Promise<Result<UserRecord, DomainError>> {
  const user = await createUserRepository(deps.em).findById(userId);
  return user ? ok(user) : err({ code: 'AUTH.UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
}
