import type { RunResult, Sql } from '../database.js';
import { parseEventCursor } from '../events/event-cursor.js';

// Times are the database's clock (`clock_timestamp()`), never the instances': two servers whose
// clocks disagree still agree on whether a lease has run out.

/**
 * Takes or renews the lease of relay `name` for `owner`, for `leaseMs` from now: only if the
 * relay is free (no row yet, released, or its lease run out) or `owner` holds it already. One
 * statement, so two instances claiming at once serialise on the row and at most one gets it.
 * True when `owner` holds the lease now.
 */
export async function claimRelayLease(
  db: Sql,
  name: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db.execute<{ name: string }[]>(
    `insert into event_relays as r (name, cursor, lease_owner, lease_until, updated_at)
     values (?, null, ?, clock_timestamp() + ? * interval '1 millisecond', clock_timestamp())
     on conflict (name) do update
       set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until,
           updated_at = excluded.updated_at
     where r.lease_owner is null or r.lease_until is null or r.lease_until <= clock_timestamp()
        or r.lease_owner = excluded.lease_owner
     returning r.name`,
    [name, owner, leaseMs],
  );
  return rows.length === 1;
}

/** The relay's stored cursor: the last event it delivered; null when none yet (or no row). */
export async function readRelayCursor(db: Sql, name: string): Promise<string | null> {
  const rows = await db.execute<{ cursor: string | null }[]>(
    'select cursor from event_relays where name = ?',
    [name],
  );
  return rows[0]?.cursor ?? null;
}

/**
 * Moves the relay's cursor to `cursor` — compare-and-set on the lease: only while `owner` still
 * holds an unexpired lease, so a relay that lost it (paused, partitioned, replaced) cannot move
 * the cursor under the one that took over. False when the lease is no longer `owner`'s.
 */
export async function advanceRelayCursor(
  db: Sql,
  name: string,
  owner: string,
  cursor: string,
): Promise<boolean> {
  const result = await db.execute<RunResult>(
    `update event_relays set cursor = ?, updated_at = clock_timestamp()
      where name = ? and lease_owner = ? and lease_until > clock_timestamp()`,
    [cursor, name, owner],
    'run',
  );
  return result.affectedRows === 1;
}

/** Gives the lease up (at shutdown), if `owner` holds it: the next instance need not wait. */
export async function releaseRelayLease(db: Sql, name: string, owner: string): Promise<void> {
  await db.execute(
    `update event_relays set lease_owner = null, lease_until = null, updated_at = clock_timestamp()
      where name = ? and lease_owner = ?`,
    [name, owner],
  );
}

/**
 * How many events lie after the relay's stored cursor, counted up to `bound` (a lag gauge need
 * not count a backlog of millions exactly).
 */
export async function countEventsAfterRelay(db: Sql, name: string, bound: number): Promise<number> {
  const cursor = await readRelayCursor(db, name);
  const from = cursor === null ? { xid: '0', seq: '0' } : parseEventCursor(cursor);
  if (from === undefined) throw new Error(`relay ${name} stored an invalid cursor`);
  const rows = await db.execute<{ lag: number }[]>(
    `select count(*)::integer as lag from (
       select 1 from events where (xid, seq) > (?::xid8, ?::bigint) limit ?) after_cursor`,
    [from.xid, from.seq, bound],
  );
  return rows[0]?.lag ?? 0;
}
