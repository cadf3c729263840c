import type { Err, Result } from '@orders/core';
import type { Database, TransactionSql } from './database.js';

/**
 * Runs `work` in one transaction: commits when it returns `ok`, rolls back when it returns `err`
 * (a business failure must leave nothing behind — an order whose stock could not be reserved is
 * not half-written) or throws. The `err` is returned as is, not thrown.
 */
export async function runInTransaction<T, E>(
  db: Database,
  work: (tx: TransactionSql) => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  // A signal unique to this call, so a nested call's rollback is never mistaken for ours. Made
  // only on a failure: an Error captures a stack trace, a cost every transaction would pay.
  let rollback: BusinessRollback | undefined;
  let failure: Err<E> | undefined;
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) {
        failure = result;
        throw (rollback = new BusinessRollback());
      }
      return result;
    });
  } catch (error) {
    if (error === rollback && failure !== undefined) return failure;
    throw error;
  }
}

class BusinessRollback extends Error {
  constructor() {
    super('rolled back on a business failure');
  }
}
