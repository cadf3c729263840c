import type { Err, Result } from '@orders/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `work` in one transaction on a fork of `em`: commits when it returns `ok`, rolls back when
 * it returns `err` (a business failure must leave nothing behind — an order whose stock could not
 * be reserved is not half-written) or throws. The `err` is returned as is, not thrown.
 */
export async function runInTransaction<T, E>(
  em: EntityManager,
  work: (em: EntityManager) => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  // A signal unique to this call, so a nested call's rollback is never mistaken for ours.
  const rollback = new Error('rolled back on a business failure');
  let failure: Err<E> | undefined;
  try {
    return await em.transactional(async (tx) => {
      const result = await work(tx);
      if (!result.ok) {
        failure = result;
        throw rollback;
      }
      return result;
    });
  } catch (error) {
    if (error === rollback && failure !== undefined) return failure;
    throw error;
  }
}
