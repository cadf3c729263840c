import { query } from './cluster.js';
import type { History } from './history.js';

/** What the checks read: the database, the client history, and what the harness set up. */
export interface CheckContext {
  readonly databaseUrl: string;
  readonly history: History;
  /** Each load client's user id, by the client name its operations carry. */
  readonly userIds: ReadonlyMap<string, string>;
  /** The on-hand count the admin gave each SKU before the load (the only stock change). */
  readonly initialStock: ReadonlyMap<string, number>;
  /** The admin's `ledger.verify`. */
  readonly verifyLedger: () => Promise<{ readonly problems: readonly unknown[] }>;
}

/** A named rule; `find` returns one line per violation (none when it holds). */
export interface Invariant {
  readonly name: string;
  find(ctx: CheckContext): Promise<string[]>;
}

/** An invariant whose SQL selects the violating rows; each is shown as JSON. */
export function rowsAreViolations(name: string, sql: string): Invariant {
  return {
    name,
    async find(ctx) {
      const rows = await query<Record<string, unknown>>(ctx.databaseUrl, sql);
      return rows.map((row) => JSON.stringify(row));
    },
  };
}
