import { query } from './cluster.js';
import type { EventPage } from './event-world.js';
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
  /** The admin's `events.list`: a page after `after` (undefined: from the oldest kept). */
  readonly listEvents: (after: string | undefined, limit: number) => Promise<EventPage>;
}

/** An order's statuses once paid: it shipped, whatever refunds gave back since. */
export const PAID_STATUSES: readonly string[] = ['CONFIRMED', 'PARTIALLY_REFUNDED', 'REFUNDED'];
/** {@link PAID_STATUSES} as an SQL list. */
export const PAID = `(${PAID_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * How long a payment (or a refund) may take from its creation to its final state, faults
 * included: a dead driver's lease (1 s) and the worker's poll (0.2 s), a database outage (1.5 s),
 * backoff between attempts (< 0.5 s in all), and slack for a small, loaded CI machine.
 */
export const PAYMENT_FINAL_WITHIN_MS = 10_000;

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
