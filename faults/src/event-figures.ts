import { EVENT_TYPES } from '@orders/core';
import { query } from './cluster.js';
import type { FollowerRecord } from './event-follower.js';
import type { FaultKind, History } from './history.js';

/** What the run must have written for the event checks to test what they claim. */
const EVENT_TYPE_COVERAGE =
  "the run wrote every event type (order.cancelled by customers' cancels: no order expires, ORDER_TTL is 15 min)";
/**
 * What cuts the stream for sure: a kill -9 (the random one goes to the follower's instance) or a
 * stopped PostgreSQL. A terminated session cuts it only when it lands during one of the stream's
 * reads (the pool drops a connection that died idle), which some runs never see.
 */
const FOLLOWER_COVERAGE =
  "where an instance was killed -9 or PostgreSQL stopped, the follower's stream was cut and it resumed from its last event id";
const CUTTING_FAULTS: readonly FaultKind[] = [
  'kill-9',
  'postgres-stop-fast',
  'postgres-stop-immediate',
];
export const EVENT_COVERAGE = [EVENT_TYPE_COVERAGE, FOLLOWER_COVERAGE];

/** What the report says of the events. */
export interface EventFigures {
  /** Events in the table, by type. */
  readonly byType: Record<string, number>;
  readonly total: number;
  /** order.cancelled by reason. */
  readonly cancelledBy: Record<string, number>;
  /** Pages `events.list` took to read every event (500 a page). */
  readonly apiPages: number;
  readonly follower: {
    /** Events the follower received (all after its start), and how many were after it started. */
    readonly seen: number;
    readonly listedAfterStart: number;
    /** Streams opened again after the first; why each ended; streams per instance. */
    readonly reconnects: number;
    readonly drops: Readonly<Record<string, number>>;
    readonly connectionsByInstance: Readonly<Record<string, number>>;
  };
}

export async function eventFigures(
  databaseUrl: string,
  follower: FollowerRecord,
  listing: { readonly pages: number; readonly listedAfterStart: number },
): Promise<EventFigures> {
  const rows = await query<{ type: string; n: number }>(
    databaseUrl,
    'select type, count(*)::int as n from events group by type order by type',
  );
  const reasons = await query<{ reason: string; n: number }>(
    databaseUrl,
    `select coalesce(data->>'reason', 'none') as reason, count(*)::int as n from events
      where type = 'order.cancelled' group by 1 order by 1`,
  );
  return {
    byType: Object.fromEntries(rows.map((r) => [r.type, r.n])),
    total: rows.reduce((sum, r) => sum + r.n, 0),
    cancelledBy: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
    apiPages: listing.pages,
    follower: {
      seen: follower.events.length,
      listedAfterStart: listing.listedAfterStart,
      reconnects: follower.reconnects,
      drops: follower.drops,
      connectionsByInstance: follower.connectionsByInstance,
    },
  };
}

/**
 * Event types the load does not make: its webhook receiver must never be disabled (this run is
 * about loss), so `webhook_endpoint.disabled` is proven by the server's webhook tests instead.
 */
const NOT_IN_THE_LOAD: readonly string[] = ['webhook_endpoint.disabled'];

/** The event coverage the run fell short of. */
export function eventShortfalls(figures: EventFigures, history: History): string[] {
  const unwritten = EVENT_TYPES.filter(
    (type) => !NOT_IN_THE_LOAD.includes(type) && (figures.byType[type] ?? 0) === 0,
  );
  const cut = history.nemesis.some((e) => e.type === 'fault' && CUTTING_FAULTS.includes(e.kind));
  return [
    ...(unwritten.length > 0 ? [`${EVENT_TYPE_COVERAGE}: none of ${unwritten.join(', ')}`] : []),
    ...(cut && figures.follower.reconnects === 0
      ? [`${FOLLOWER_COVERAGE}: it never reconnected`]
      : []),
  ];
}
