import type { EventWorld, StoredEventRow } from './event-world.js';

/**
 * What an event's `data.object` must show of its subject, where the settled database can tell:
 * its id, the status its type names, and the fields a change never alters (order, amounts) or
 * that its final state fixed (a failure code). One line per problem.
 */
export function checkEventObject(
  world: EventWorld,
  event: StoredEventRow,
  before: StoredEventRow | undefined,
): string[] {
  const object = event.data.object;
  if (object === undefined) return ['no data.object'];
  const expect = (what: string, actual: unknown, expected: unknown) =>
    actual === expected ? [] : [`${what} ${String(actual)}, expected ${String(expected)}`];
  const statusIn = (statuses: readonly string[]) =>
    statuses.includes(String(object.status))
      ? []
      : [`status ${String(object.status)}, expected one of ${statuses.join(', ')}`];
  const id = (field: string, value: string) => expect(field, object[field], value);
  switch (event.aggregateType) {
    case 'order': {
      const order = world.orders.get(event.aggregateId);
      return [
        ...id('id', event.aggregateId),
        ...expect('status', object.status, ORDER_STATUS_OF[event.type]),
        ...(order ? expect('totalCents', object.totalCents, order.totalCents) : []),
        ...previousStatusProblems(event, before),
      ];
    }
    case 'payment': {
      const payment = world.payments.get(event.aggregateId);
      const attempts = Array.isArray(object.attempts) ? (object.attempts as unknown[]) : [];
      const lastOutcome = (attempts.at(-1) as { outcome?: unknown } | undefined)?.outcome;
      const byType: Readonly<Record<string, () => string[]>> = {
        'payment.created': () => [
          ...expect('attempts', attempts.length, 0),
          ...statusIn(['INITIATED', 'PROCESSING', 'FAILED_FINAL']),
        ],
        'payment.attempt_failed': () => [
          ...statusIn(['RETRY', 'FAILED_FINAL']),
          ...(lastOutcome !== undefined && lastOutcome !== 'APPROVED'
            ? []
            : [`last attempt ${String(lastOutcome)}, expected one not APPROVED`]),
        ],
        'payment.succeeded': () => [
          ...expect('status', object.status, 'SUCCESS'),
          ...expect('last attempt', lastOutcome, 'APPROVED'),
        ],
        'payment.failed': () => [
          ...expect('status', object.status, 'FAILED_FINAL'),
          ...(payment ? expect('failureCode', object.failureCode, payment.failureCode) : []),
        ],
      };
      return [
        ...id('id', event.aggregateId),
        ...(payment
          ? [
              ...id('orderId', payment.orderId),
              ...expect('amountCents', object.amountCents, payment.amountCents),
            ]
          : []),
        ...(byType[event.type]?.() ?? []),
      ];
    }
    case 'refund': {
      const refund = world.refunds.get(event.aggregateId);
      const byType: Readonly<Record<string, () => string[]>> = {
        'refund.created': () => statusIn(['PENDING', 'PROCESSING', 'RETRY']),
        'refund.succeeded': () => expect('status', object.status, 'SUCCEEDED'),
        'refund.failed': () => [
          ...expect('status', object.status, 'FAILED'),
          ...(refund ? expect('failureCode', object.failureCode, refund.failureCode) : []),
        ],
      };
      return [
        ...id('id', event.aggregateId),
        ...(refund
          ? [
              ...id('orderId', refund.orderId),
              ...id('paymentId', refund.paymentId),
              ...expect('amountCents', object.amountCents, refund.amountCents),
            ]
          : []),
        ...(byType[event.type]?.() ?? []),
      ];
    }
    case 'product': {
      const product = world.products.get(event.aggregateId);
      return product ? expect('sku', object.sku, product.sku) : [];
    }
    default:
      return [`an unknown aggregate type ${event.aggregateType}`];
  }
}

/** The status each order event shows its order in. */
const ORDER_STATUS_OF: Readonly<Record<string, string>> = {
  'order.created': 'PENDING',
  'order.confirmed': 'CONFIRMED',
  'order.failed': 'FAILED',
  'order.cancelled': 'CANCELLED',
  'order.partially_refunded': 'PARTIALLY_REFUNDED',
  'order.refunded': 'REFUNDED',
};

/**
 * Every move of an order has its event, so each order event's `previous.status` is the status
 * the event before it showed (absent when the status stayed: a second partial refund), and a
 * creation has nothing previous.
 */
function previousStatusProblems(
  event: StoredEventRow,
  before: StoredEventRow | undefined,
): string[] {
  const previous = event.data.previous ?? {};
  if (before === undefined) {
    return Object.keys(previous).length === 0
      ? []
      : [`previous ${JSON.stringify(previous)} on its first event`];
  }
  const was = before.data.object?.status;
  const now = event.data.object?.status;
  const expected = was === now ? undefined : was;
  return previous.status === expected
    ? []
    : [`previous.status ${String(previous.status)}, the event before showed ${String(was)}`];
}
