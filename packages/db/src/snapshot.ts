import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs several reads in one read-only REPEATABLE READ transaction: they all see the same
 * committed state, so a payment and its order (settled together) are never seen half-way.
 */
export function inSnapshot<T>(
  em: EntityManager,
  read: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return em
    .fork()
    .transactional(read, { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
}
