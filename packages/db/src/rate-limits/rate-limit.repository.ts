import type { RunResult, Sql } from '../database.js';

/**
 * Fixed-window counters kept in the database, so every server instance sees the same count.
 * One statement per hit: concurrent hits on one key serialise on its row.
 */
export interface RateLimitRepository {
  /** Counts a hit on `key` and returns the hits in the current window, this one included. */
  hit(key: string, windowMs: number, now: Date): Promise<number>;
  reset(key: string): Promise<void>;
  /** Drops windows that ended before `now` (housekeeping). */
  prune(windowMs: number, now: Date): Promise<number>;
}

export function createRateLimitRepository(connection: Sql): RateLimitRepository {
  return {
    async hit(key, windowMs, now) {
      const rows = await connection.execute<{ hits: number }[]>(
        `insert into rate_limits as r (key, window_started_at, hits) values (?, ?, 1)
         on conflict (key) do update set
           hits = case when r.window_started_at <= excluded.window_started_at - ? * interval '1 millisecond'
                       then 1 else r.hits + 1 end,
           window_started_at = case when r.window_started_at <= excluded.window_started_at - ? * interval '1 millisecond'
                       then excluded.window_started_at else r.window_started_at end
         returning hits`,
        [key, now, windowMs, windowMs],
      );
      return rows[0]?.hits ?? 1;
    },

    async reset(key) {
      await connection.execute('delete from rate_limits where key = ?', [key]);
    },

    async prune(windowMs, now) {
      const result = await connection.execute<RunResult>(
        `delete from rate_limits where window_started_at <= ?::timestamptz - ? * interval '1 millisecond'`,
        [now, windowMs],
        'run',
      );
      return result.affectedRows;
    },
  };
}
