import { purgeEvents, type Database } from '@orders/db';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention (DESIGN §2 Events): deletes the events created more than `retentionDays` before
 * `now`, `batch` at a time (each batch its own short transaction, so a large backlog never holds
 * one long delete), at most `maxBatches` batches. Returns how many went.
 */
export async function purgeExpiredEvents(
  deps: { db: Database; now: Date },
  options: { retentionDays: number; batch: number; maxBatches: number },
): Promise<number> {
  const before = new Date(deps.now.getTime() - options.retentionDays * DAY_MS);
  let purged = 0;
  for (let round = 0; round < options.maxBatches; round++) {
    const deleted = await purgeEvents(deps.db, before, options.batch);
    purged += deleted;
    if (deleted < options.batch) break;
  }
  return purged;
}
