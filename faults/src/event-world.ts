import type { AppRouter } from '@orders/server';
import type { inferRouterOutputs } from '@trpc/server';
import { query } from './cluster.js';
import type { CheckContext } from './invariant.js';

/**
 * What the event checks read, once per check run: the events table in cursor order, and the
 * rows the events tell of (orders and their moves, payments and their attempts, refunds,
 * products) as the settled database holds them.
 */

/** A page of `events.list`, as the API returns it. */
export type EventPage = inferRouterOutputs<AppRouter>['events']['list'];
export type ApiEvent = EventPage['items'][number];

/** The largest page `events.list` serves. */
const PAGE_LIMIT = 500;

/** Pages through `events.list` from `after` (undefined: the oldest kept) to its end. */
export async function listAllEvents(
  list: (after: string | undefined, limit: number) => Promise<EventPage>,
  after?: string,
): Promise<{ readonly events: ApiEvent[]; readonly pages: number }> {
  const events: ApiEvent[] = [];
  let cursor = after;
  let pages = 0;
  for (;;) {
    const page = await list(cursor, PAGE_LIMIT);
    pages += 1;
    events.push(...page.items);
    if (!page.hasMore) return { events, pages };
    cursor = page.cursor ?? cursor;
  }
}

/** An event as stored, its cursor (`<xid>-<seq>`) made as the server makes it. */
export interface StoredEventRow {
  readonly id: string;
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly ownerId: string | null;
  readonly data: EventData;
  readonly cursor: string;
  readonly createdAt: Date;
}

/** `data` as the server writes it: the subject as the API shows it, and what changed. */
export interface EventData {
  readonly object?: Record<string, unknown>;
  readonly previous?: Record<string, unknown>;
  readonly reason?: string;
}

export interface OrderRow {
  readonly id: string;
  readonly userId: string;
  readonly status: string;
  readonly totalCents: number;
  /** order_events' moves to CANCELLED: `system` (expired) or `user:<id>` (its customer). */
  readonly cancelledBy: readonly string[];
  readonly succeededRefunds: number;
}

export interface PaymentRow {
  readonly id: string;
  readonly orderId: string;
  readonly userId: string;
  readonly status: string;
  readonly failureCode: string | null;
  readonly amountCents: number;
  /** Numbers of its gateway attempts whose outcome was not APPROVED. */
  readonly failedAttempts: readonly number[];
}

export interface RefundRow {
  readonly id: string;
  readonly orderId: string;
  readonly paymentId: string;
  /** The order's customer. */
  readonly userId: string;
  readonly status: string;
  readonly failureCode: string | null;
  readonly amountCents: number;
}

export interface ProductRow {
  readonly id: string;
  readonly sku: string;
}

export interface EventWorld {
  /** Every event, in cursor order. */
  readonly events: readonly StoredEventRow[];
  /** Each aggregate's events (`<type>:<id>`), in cursor order. */
  readonly byAggregate: ReadonlyMap<string, readonly StoredEventRow[]>;
  readonly orders: ReadonlyMap<string, OrderRow>;
  readonly payments: ReadonlyMap<string, PaymentRow>;
  readonly refunds: ReadonlyMap<string, RefundRow>;
  readonly products: ReadonlyMap<string, ProductRow>;
}

export const aggregateKey = (type: string, id: string): string => `${type}:${id}`;

const worlds = new WeakMap<CheckContext, Promise<EventWorld>>();

/** The world of one check run (read once, shared by the event invariants of that run). */
export function eventWorld(ctx: CheckContext): Promise<EventWorld> {
  let world = worlds.get(ctx);
  if (world === undefined) {
    world = readEventWorld(ctx.databaseUrl);
    worlds.set(ctx, world);
  }
  return world;
}

async function readEventWorld(databaseUrl: string): Promise<EventWorld> {
  const events = await query<StoredEventRow>(
    databaseUrl,
    `select id, type, aggregate_type as "aggregateType", aggregate_id as "aggregateId",
            aggregate_version as version, owner_id as "ownerId", data,
            xid::text || '-' || seq::text as cursor, created_at as "createdAt"
       from events order by xid, seq`,
  );
  const orders = await query<OrderRow>(
    databaseUrl,
    `select o.id, o.user_id as "userId", o.status, o.total_cents::int as "totalCents",
            coalesce((select array_agg(e.actor order by e.id) from order_events e
                       where e.order_id = o.id and e.to_status = 'CANCELLED'), '{}') as "cancelledBy",
            (select count(*) from refunds r
              where r.order_id = o.id and r.status = 'SUCCEEDED')::int as "succeededRefunds"
       from orders o`,
  );
  const payments = await query<PaymentRow>(
    databaseUrl,
    `select p.id, p.order_id as "orderId", o.user_id as "userId", p.status,
            p.failure_code as "failureCode", p.amount_cents::int as "amountCents",
            coalesce((select array_agg(a.attempt_no order by a.attempt_no) from payment_attempts a
                       where a.payment_id = p.id and a.outcome <> 'APPROVED'), '{}') as "failedAttempts"
       from payments p join orders o on o.id = p.order_id`,
  );
  const refunds = await query<RefundRow>(
    databaseUrl,
    `select r.id, r.order_id as "orderId", r.payment_id as "paymentId", o.user_id as "userId",
            r.status, r.failure_code as "failureCode", r.amount_cents::int as "amountCents"
       from refunds r join orders o on o.id = r.order_id`,
  );
  const products = await query<ProductRow>(databaseUrl, 'select id, sku from products');
  const byAggregate = new Map<string, StoredEventRow[]>();
  for (const event of events) {
    const key = aggregateKey(event.aggregateType, event.aggregateId);
    const list = byAggregate.get(key) ?? [];
    list.push(event);
    byAggregate.set(key, list);
  }
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  return {
    events,
    byAggregate,
    orders: byId(orders),
    payments: byId(payments),
    refunds: byId(refunds),
    products: byId(products),
  };
}

/** Cursors in the server's order (`<xid>-<seq>`, as a pair of numbers); negative: `a` first. */
export function compareCursors(a: string, b: string): number {
  const [ax, as] = cursorParts(a);
  const [bx, bs] = cursorParts(b);
  if (ax !== bx) return ax < bx ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function cursorParts(cursor: string): [bigint, bigint] {
  const [xid = '0', seq = '0'] = cursor.split('-');
  return [BigInt(xid), BigInt(seq)];
}
