import type { Database, Sql } from './database.js';

/**
 * Runs several reads in one read-only REPEATABLE READ transaction: they all see the same
 * committed state, so a payment and its order (settled together) are never seen half-way.
 */
export function inSnapshot<T>(db: Database, read: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(read, { snapshot: true });
}
