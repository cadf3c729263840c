import { IDEMPOTENCY_RETENTION_MS } from '@orders/core';
import { createRateLimitRepository, purgeIdempotencyKeys, type Database } from '@orders/db';
import { LOGIN_LIMIT } from './log-in.js';

/**
 * Housekeeping: drops up to `limit` idempotency keys past their retention (kept ≥ 24 h; after that
 * a key may be used again) and the login rate limit's ended windows. Returns how many went.
 */
export async function purgeExpiredRecords(
  deps: { db: Database; now: Date },
  limit: number,
): Promise<{ keys: number; windows: number }> {
  const before = new Date(deps.now.getTime() - IDEMPOTENCY_RETENTION_MS);
  const keys = await purgeIdempotencyKeys(deps.db, before, limit);
  const windows = await createRateLimitRepository(deps.db).prune(LOGIN_LIMIT.windowMs, deps.now);
  return { keys, windows };
}
