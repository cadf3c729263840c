import { ok } from '@orders/core';
import type { Database, RunResult, Sql } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';
import { statement, type Statement } from '../statement.js';
import { formatEventCursor, parseEventCursor } from './event-cursor.js';
import type { EventAggregateType } from './event.entity.js';

/** An event to append, in the transaction of the change it tells of. */
export interface NewEvent {
  /** `evt_` + a uuid, made by the caller. */
  readonly id: string;
  readonly type: string;
  readonly aggregateType: EventAggregateType;
  readonly aggregateId: string;
  /** Who may read it besides admins; null: admins only. */
  readonly ownerId: string | null;
  /**
   * Its place in its aggregate's history (1, 2, …), as the caller counted it from the aggregate's
   * state; null: handed out by the database's counter (for aggregates whose state does not count
   * its changes — products).
   */
  readonly aggregateVersion: number | null;
  /** JSON (`{ object, previous, reason? }`), stored as is. */
  readonly data: unknown;
  readonly createdAt: Date;
}

/** An event as stored, with its cursor and the version its aggregate gave it. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly createdAt: Date;
  /** Where a reader that has seen this event goes on from (see `event-cursor.ts`). */
  readonly cursor: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly ownerId: string | null;
  readonly data: unknown;
}

export interface EventQuery {
  /** A cursor from `StoredEvent.cursor` or `currentEventCursor`; null: from the oldest kept. */
  readonly after: string | null;
  /** Only events of one of these types (an empty list matches none). */
  readonly types?: readonly string[] | undefined;
  /** Only events owned by this user. */
  readonly ownerId?: string | undefined;
  /**
   * Only events committed after this snapshot was taken (a {@link EventHorizon}'s `snapshot`):
   * those its transaction could not see. Makes "from now" exact, where a cursor alone is not.
   */
  readonly committedAfter?: string | undefined;
  /**
   * Leave each event's `data` out (null): for a reader that needs only which events there are
   * (the webhook fan-out), the subject documents are most of what a listing reads and parses.
   */
  readonly withoutData?: boolean | undefined;
  readonly limit: number;
}

// One statement whatever the number of events: the events travel as one JSON array, inserted in
// input order (`with ordinality`), so `seq` follows that order.
const INPUT = `
  with input as (
    select e.doc ->> 'id' as id, e.doc ->> 'type' as type,
           e.doc ->> 'aggregateType' as aggregate_type, e.doc ->> 'aggregateId' as aggregate_id,
           (e.doc ->> 'aggregateVersion')::integer as aggregate_version,
           (e.doc ->> 'ownerId')::uuid as owner_id, e.doc -> 'data' as data,
           (e.doc ->> 'createdAt')::timestamptz as created_at, e.n
      from jsonb_array_elements(?::jsonb) with ordinality as e(doc, n))`;

/** Events that carry their versions: stored as they come. */
const APPEND_EVENTS = `${INPUT}
  insert into events
    (id, type, aggregate_type, aggregate_id, aggregate_version, owner_id, data, created_at)
  select id, type, aggregate_type, aggregate_id, aggregate_version, owner_id, data, created_at
    from input order by n`;

// Events without versions: each aggregate's counter is bumped once by its number of events, in a
// fixed order (by aggregate) so that two transactions appending to the same aggregates cannot
// deadlock; its row lock then holds back any other appender to that aggregate until this
// transaction ends, so versions never collide. Its events take the versions after the counter's
// old value, in input order.
const APPEND_COUNTED_EVENTS = `${INPUT},
  counts as (
    select aggregate_type, aggregate_id, count(*)::integer as n
      from input group by aggregate_type, aggregate_id
  ), versions as (
    insert into event_aggregate_versions as v (aggregate_type, aggregate_id, version)
    select aggregate_type, aggregate_id, n from counts order by aggregate_type, aggregate_id
        on conflict (aggregate_type, aggregate_id) do update set version = v.version + excluded.version
    returning aggregate_type, aggregate_id, version as last
  )
  insert into events
    (id, type, aggregate_type, aggregate_id, aggregate_version, owner_id, data, created_at)
  select i.id, i.type, i.aggregate_type, i.aggregate_id,
         (v.last - c.n + row_number() over (
           partition by i.aggregate_type, i.aggregate_id order by i.n))::integer,
         i.owner_id, i.data, i.created_at
    from input i
    join counts c using (aggregate_type, aggregate_id)
    join versions v using (aggregate_type, aggregate_id)
   order by i.n`;

/**
 * One statement inserting `events` in the given order: to send in the transaction of the change,
 * e.g. with its other statements before COMMIT (`tx.commitWith`). Each event is stamped with the
 * transaction's id (`xid`, the column's default). Events come all with their versions, or all
 * without (the counter hands them out). Throws on an empty list: a caller has always something
 * to tell.
 */
export function appendEventsStatement(events: readonly NewEvent[]): Statement {
  if (events.length === 0) throw new RangeError('appendEventsStatement needs at least one event');
  const counted = events.filter((event) => event.aggregateVersion === null).length;
  if (counted !== 0 && counted !== events.length) {
    throw new RangeError('events come all with their versions, or all without');
  }
  const documents = events.map((event) => ({ ...event, createdAt: event.createdAt.toISOString() }));
  const sql = counted === 0 ? APPEND_EVENTS : APPEND_COUNTED_EVENTS;
  return statement(sql, [JSON.stringify(documents)]);
}

interface EventRow {
  id: string;
  type: string;
  created_at: DbTime;
  cursor_xid: string;
  cursor_seq: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  owner_id: string | null;
  data: unknown;
}

/**
 * Events after the cursor (null: from the oldest kept), in cursor order, of any of `types` and of
 * `ownerId` when given, at most `limit`.
 *
 * No gaps: only events whose transaction is older than every transaction still running — `xid <
 * pg_snapshot_xmin` of this statement's snapshot — are listed. Those transactions have all ended,
 * so their events are all visible and nothing will ever be inserted before them; any transaction
 * ending later has an xid at or above that bound, so its events come after every cursor handed out
 * here. (Ordering by `seq` alone would skip: a transaction that took a lower seq but commits after
 * a reader saw a higher one is passed over.) The price: events wait for the oldest running
 * transaction of the cluster, so long transactions delay readers.
 */
export async function listEvents(db: Sql, query: EventQuery): Promise<StoredEvent[]> {
  const from = query.after === null ? { xid: '0', seq: '0' } : parseEventCursor(query.after);
  if (from === undefined) throw new TypeError('invalid event cursor');
  const filters: string[] = [];
  const params: unknown[] = [from.xid, from.seq];
  if (query.ownerId !== undefined) {
    filters.push('and owner_id = ?::uuid');
    params.push(query.ownerId);
  }
  if (query.types !== undefined) {
    filters.push('and type = any(?::text[])');
    params.push(query.types);
  }
  if (query.committedAfter !== undefined) {
    filters.push('and not pg_visible_in_snapshot(xid, ?::pg_snapshot)');
    params.push(query.committedAfter);
  }
  const data = query.withoutData === true ? 'null::jsonb as data' : 'data';
  // Sixteen texts at most (with or without each filter, and the data): each keeps its own
  // prepared statement.
  const rows = await db.execute<EventRow[]>(
    // The cursor's parts as text under names of their own: an output column named `xid` would
    // be what `order by xid` sorts by, as text.
    `select id, type, created_at, xid::text as cursor_xid, seq::text as cursor_seq,
            aggregate_type, aggregate_id, aggregate_version, owner_id, ${data}
       from events
      where (xid, seq) > (?::xid8, ?::bigint)
        and xid < pg_snapshot_xmin(pg_current_snapshot()) ${filters.join(' ')}
      order by xid, seq
      limit ?`,
    [...params, query.limit],
  );
  return rows.map(toStoredEvent);
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    createdAt: new Date(epoch(row.created_at)),
    cursor: formatEventCursor(row.cursor_xid, row.cursor_seq),
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    ownerId: row.owner_id,
    data: row.data,
  };
}

/**
 * The cursor of now, for a reader that starts from here: every event `listEvents` could list now
 * is at or before it, every event committed later is after it. (An event committed just before,
 * by a transaction younger than one still running, is after it too: given once more, not lost.)
 */
export async function currentEventCursor(db: Sql): Promise<string> {
  const rows = await db.execute<{ xmin: string }[]>(
    'select pg_snapshot_xmin(pg_current_snapshot())::text as xmin',
  );
  const xmin = rows[0]?.xmin;
  if (xmin === undefined) throw new Error('the database gave no snapshot');
  return formatEventCursor(xmin, '0');
}

/** Now, for a reader that must start exactly here. */
export interface EventHorizon {
  /** The cursor of now, as {@link currentEventCursor} gives it. */
  readonly cursor: string;
  /**
   * The snapshot it was read in (`pg_snapshot` text). Events after `cursor` that this snapshot
   * sees were committed before now: pass it as `committedAfter` to leave them out.
   */
  readonly snapshot: string;
}

/**
 * The cursor of now with its snapshot: paging from `cursor` with `committedAfter: snapshot`
 * gives exactly the events committed from now on — none from before, even when a transaction
 * older than them was still running (which holds the cursor back), and none missed.
 */
export async function eventHorizon(db: Sql): Promise<EventHorizon> {
  const rows = await db.execute<{ xmin: string; snapshot: string }[]>(
    `select pg_snapshot_xmin(s)::text as xmin, s::text as snapshot
       from (select pg_current_snapshot() as s) as now`,
  );
  const row = rows[0];
  if (row === undefined) throw new Error('the database gave no snapshot');
  return { cursor: formatEventCursor(row.xmin, '0'), snapshot: row.snapshot };
}

/**
 * Deletes up to `limit` events created before `before`, oldest first, and returns how many went.
 * Its own transaction, the only one that sets `orders.events_purge` (the append-only trigger lets
 * DELETE through only then). The aggregates' last versions stay, so none is given out again.
 */
export async function purgeEvents(db: Database, before: Date, limit: number): Promise<number> {
  const purged = await db.transaction(async (tx) => {
    await tx.execute("set local orders.events_purge = 'on'");
    const deleted = await tx.execute<RunResult>(
      // The oldest `limit` events by cursor (the order they committed in, to a few milliseconds),
      // those of them older than the cut-off: no scan past the oldest page, no index of its own.
      `delete from events where ctid in (
         select ctid from (select ctid, created_at from events order by xid, seq limit ?) oldest
          where created_at < ?)`,
      [limit, before],
      'run',
    );
    return ok(deleted.affectedRows);
  });
  if (!purged.ok) throw new Error('a purge is never refused');
  return purged.value;
}
