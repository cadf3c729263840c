import { EVENT_TYPES } from '@orders/core';
import { checkEventObject } from './event-objects.js';
import { apiProblems } from './event-reader-checks.js';
import {
  aggregateKey,
  eventWorld,
  listAllEvents,
  type EventWorld,
  type StoredEventRow,
} from './event-world.js';
import type { CheckContext, Invariant } from './invariant.js';

/**
 * The outbox's invariants (DESIGN §2 Events), held against the settled database: every state
 * change has exactly its event, no event tells of a change that did not happen, each aggregate's
 * versions run 1..n in cursor order, each event shows its subject as it then was and belongs to
 * its customer, and the API (`events.list`, paged as an admin) shows exactly the table.
 */

export const EVENTS_API_INVARIANT =
  'events.list, paged as an admin from the oldest event to the last, shows exactly the events table in cursor order: each event once, none skipped, as stored (type, aggregate and version, owner, data)';
export const ORDER_CREATED_EVENT_INVARIANT =
  'every order has exactly one order.created, and every order event is of an order that exists';
export const ORDER_MOVE_EVENT_INVARIANT =
  'an order that left PENDING has exactly one event of that move (order.confirmed if CONFIRMED, PARTIALLY_REFUNDED or REFUNDED; order.failed if FAILED; order.cancelled if CANCELLED, with the reason its order_events row gives: customer, by its own customer, or expired), and no order has an event of a move it did not make';
export const ORDER_REFUND_EVENT_INVARIANT =
  'a paid order has one order.partially_refunded or order.refunded per SUCCEEDED refund, the last of the type its status names and every earlier one order.partially_refunded; an order without a SUCCEEDED refund has none';
export const PAYMENT_EVENT_INVARIANT =
  'every payment has exactly one payment.created, one payment.attempt_failed per gateway attempt not APPROVED (naming that attempt), payment.succeeded exactly once if SUCCESS and payment.failed exactly once if FAILED_FINAL (never otherwise), and every payment event is of a payment that exists';
export const REFUND_EVENT_INVARIANT =
  'every refund has exactly one refund.created, refund.succeeded exactly once if SUCCEEDED and refund.failed exactly once if FAILED (never otherwise), and every refund event is of a refund that exists';
export const PRODUCT_EVENT_INVARIANT =
  "every product has exactly one product.updated (the harness's upsert before the load, its only admin change, showing its initial stock): no reservation, sale or restock wrote one";
export const EVENT_VERSION_INVARIANT =
  "per aggregate, the events' versions are 1..n without gap or duplicate and rise in cursor order, the first its creation (order.created, payment.created, refund.created)";
export const EVENT_OBJECT_INVARIANT =
  "each event's data.object is its subject as it then was: a known type of its aggregate, the subject's id, the status its type names (order.confirmed: CONFIRMED, payment.succeeded: SUCCESS, refund.failed: FAILED, …), the order, amounts and failure code stored; an order event's previous.status is the status its order's event before it showed";
export const EVENT_OWNER_INVARIANT =
  "an order's, payment's and refund's events are owned by the order's customer; a product's by no one (admins only)";

const ORDER_MOVES = ['order.confirmed', 'order.failed', 'order.cancelled'] as const;
/** The move an order in each status has made out of PENDING. */
const MOVE_OF_STATUS: Readonly<Record<string, string | undefined>> = {
  PENDING: undefined,
  CONFIRMED: 'order.confirmed',
  PARTIALLY_REFUNDED: 'order.confirmed',
  REFUNDED: 'order.confirmed',
  FAILED: 'order.failed',
  CANCELLED: 'order.cancelled',
};
const REFUND_MOVES = new Set(['order.partially_refunded', 'order.refunded']);
const CREATION: Readonly<Record<string, string>> = {
  order: 'order.created',
  payment: 'payment.created',
  refund: 'refund.created',
};

/** An invariant over the world of events read once per check run. */
function overEvents(
  name: string,
  find: (world: EventWorld, ctx: CheckContext) => string[],
): Invariant {
  return { name, find: async (ctx) => find(await eventWorld(ctx), ctx) };
}

const eventsOf = (world: EventWorld, type: string, id: string) =>
  world.byAggregate.get(aggregateKey(type, id)) ?? [];
const count = (events: readonly StoredEventRow[], type: string) =>
  events.filter((e) => e.type === type).length;
/** Aggregates of `type` with events whose subject `exists` does not find. */
const orphans = (world: EventWorld, type: string, exists: (id: string) => boolean) =>
  [...world.byAggregate.values()]
    .flatMap((events) => events.slice(0, 1))
    .filter((e) => e.aggregateType === type && !exists(e.aggregateId))
    .map((e) => `${type} ${e.aggregateId} does not exist, yet has ${e.type}`);

export const eventInvariants: Invariant[] = [
  {
    name: EVENTS_API_INVARIANT,
    async find(ctx) {
      const world = await eventWorld(ctx);
      const { events } = await listAllEvents(ctx.listEvents);
      return apiProblems(world.events, events);
    },
  },
  overEvents(ORDER_CREATED_EVENT_INVARIANT, (world) => [
    ...[...world.orders.values()].flatMap((order) => {
      const n = count(eventsOf(world, 'order', order.id), 'order.created');
      return n === 1 ? [] : [`order ${order.id}: ${n} order.created`];
    }),
    ...orphans(world, 'order', (id) => world.orders.has(id)),
  ]),
  overEvents(ORDER_MOVE_EVENT_INVARIANT, (world) =>
    [...world.orders.values()].flatMap((order) => {
      const events = eventsOf(world, 'order', order.id);
      const move = MOVE_OF_STATUS[order.status];
      const problems = ORDER_MOVES.flatMap((type) => {
        const n = count(events, type);
        return n === (type === move ? 1 : 0) ? [] : [`${n} ${type}`];
      });
      if (order.status === 'CANCELLED') problems.push(...cancelReasonProblems(order, events));
      return problems.map((p) => `order ${order.id} (${order.status}): ${p}`);
    }),
  ),
  overEvents(ORDER_REFUND_EVENT_INVARIANT, (world) =>
    [...world.orders.values()].flatMap((order) => {
      const types = eventsOf(world, 'order', order.id)
        .map((e) => e.type)
        .filter((type) => REFUND_MOVES.has(type));
      const last = { PARTIALLY_REFUNDED: 'order.partially_refunded', REFUNDED: 'order.refunded' }[
        order.status
      ];
      const holds =
        types.length === order.succeededRefunds &&
        (types.length === 0 ||
          (types.at(-1) === last &&
            types.slice(0, -1).every((type) => type === 'order.partially_refunded')));
      return holds
        ? []
        : [
            `order ${order.id} (${order.status}, ${order.succeededRefunds} SUCCEEDED refunds): ${types.join(', ') || 'no refund event'}`,
          ];
    }),
  ),
  overEvents(PAYMENT_EVENT_INVARIANT, (world) => [
    ...[...world.payments.values()].flatMap((payment) => {
      const events = eventsOf(world, 'payment', payment.id);
      const failedAttempts = events
        .filter((e) => e.type === 'payment.attempt_failed')
        .map((e) => lastAttemptNumber(e) ?? 0)
        .sort((a, b) => a - b);
      const expected: [string, number][] = [
        ['payment.created', 1],
        ['payment.succeeded', payment.status === 'SUCCESS' ? 1 : 0],
        ['payment.failed', payment.status === 'FAILED_FINAL' ? 1 : 0],
      ];
      const problems = expected.flatMap(([type, n]) =>
        count(events, type) === n ? [] : [`${count(events, type)} ${type}`],
      );
      if (failedAttempts.join() !== payment.failedAttempts.join()) {
        problems.push(
          `payment.attempt_failed for attempts [${failedAttempts.join()}], attempts not APPROVED [${payment.failedAttempts.join()}]`,
        );
      }
      return problems.map((p) => `payment ${payment.id} (${payment.status}): ${p}`);
    }),
    ...orphans(world, 'payment', (id) => world.payments.has(id)),
  ]),
  overEvents(REFUND_EVENT_INVARIANT, (world) => [
    ...[...world.refunds.values()].flatMap((refund) => {
      const events = eventsOf(world, 'refund', refund.id);
      const expected: [string, number][] = [
        ['refund.created', 1],
        ['refund.succeeded', refund.status === 'SUCCEEDED' ? 1 : 0],
        ['refund.failed', refund.status === 'FAILED' ? 1 : 0],
      ];
      return expected.flatMap(([type, n]) =>
        count(events, type) === n
          ? []
          : [`refund ${refund.id} (${refund.status}): ${count(events, type)} ${type}`],
      );
    }),
    ...orphans(world, 'refund', (id) => world.refunds.has(id)),
  ]),
  overEvents(PRODUCT_EVENT_INVARIANT, (world, ctx) => [
    ...[...world.products.values()].flatMap((product) => {
      const events = eventsOf(world, 'product', product.id);
      const onHand = events.map((e) => e.data.object?.onHand);
      const initial = ctx.initialStock.get(product.sku);
      return events.length === 1 && onHand[0] === initial
        ? []
        : [
            `product ${product.sku}: ${events.length} product.updated (on hand ${onHand.join(', ')}; initial ${initial})`,
          ];
    }),
    ...orphans(world, 'product', (id) => world.products.has(id)),
  ]),
  overEvents(EVENT_VERSION_INVARIANT, (world) =>
    [...world.byAggregate].flatMap(([key, events]) => {
      const versions = events.map((e) => e.version);
      const creation = CREATION[events[0]?.aggregateType ?? ''];
      const holds =
        versions.every((v, i) => v === i + 1) &&
        (creation === undefined || events[0]?.type === creation);
      return holds
        ? []
        : [
            `${key}: in cursor order ${events.map((e) => `v${e.version} ${e.type} (${e.id})`).join(', ')}`,
          ];
    }),
  ),
  overEvents(EVENT_OBJECT_INVARIANT, (world) =>
    [...world.byAggregate.values()].flatMap((events) =>
      events.flatMap((event, i) => {
        const known = (EVENT_TYPES as readonly string[]).includes(event.type);
        const problems = known
          ? checkEventObject(world, event, events[i - 1])
          : [`an unknown type`];
        if (known && event.type.split('.')[0] !== event.aggregateType) {
          problems.push(`of aggregate ${event.aggregateType}`);
        }
        return problems.map((p) => `${event.type} ${event.id} of ${event.aggregateId}: ${p}`);
      }),
    ),
  ),
  overEvents(EVENT_OWNER_INVARIANT, (world) =>
    world.events.flatMap((event) => {
      const owner = ownerOf(world, event);
      return owner === undefined || event.ownerId === owner
        ? []
        : [
            `${event.type} ${event.id} of ${event.aggregateId}: owned by ${event.ownerId ?? 'no one'}, not ${owner ?? 'no one'}`,
          ];
    }),
  ),
];

/** The owner an event must have (null: admins only); undefined when its subject is gone. */
function ownerOf(world: EventWorld, event: StoredEventRow): string | null | undefined {
  switch (event.aggregateType) {
    case 'order':
      return world.orders.get(event.aggregateId)?.userId;
    case 'payment':
      return world.payments.get(event.aggregateId)?.userId;
    case 'refund':
      return world.refunds.get(event.aggregateId)?.userId;
    default:
      return null;
  }
}

/** A cancelled order's order.cancelled names who cancelled it, as its order_events row does. */
function cancelReasonProblems(
  order: { userId: string; cancelledBy: readonly string[] },
  events: readonly StoredEventRow[],
): string[] {
  const [by, ...more] = order.cancelledBy;
  if (by === undefined || more.length > 0) {
    return [`${order.cancelledBy.length} order_events rows to CANCELLED`];
  }
  const reason = by === 'system' ? 'expired' : by === `user:${order.userId}` ? 'customer' : by;
  const given = events.filter((e) => e.type === 'order.cancelled').map((e) => e.data.reason);
  return given.every((r) => r === reason)
    ? []
    : [`order.cancelled gives reason ${given.join(', ')}; order_events says ${reason} (${by})`];
}

/** The number of the last attempt a payment event's object shows. */
function lastAttemptNumber(event: StoredEventRow): number | undefined {
  const attempts = event.data.object?.attempts;
  if (!Array.isArray(attempts)) return undefined;
  const last: unknown = attempts.at(-1);
  return typeof last === 'object' && last !== null && 'number' in last
    ? Number(last.number)
    : undefined;
}
