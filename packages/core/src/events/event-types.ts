import type { OrderStatus } from '../orders/order.js';
import type { AttemptOutcome } from '../gateway/card-simulator.js';
import type { PaymentStatus } from '../payments/payment.js';
import type { RefundStatus } from '../refunds/refund.js';

/**
 * What happened, one name per state change (DESIGN §2 Events). Each is written in the
 * transaction that makes the change it names, so there is no change without its event and no
 * event without its change.
 */
export const EVENT_TYPES = [
  'order.created',
  'order.confirmed',
  'order.failed',
  'order.cancelled',
  'order.partially_refunded',
  'order.refunded',
  'payment.created',
  'payment.attempt_failed',
  'payment.succeeded',
  'payment.failed',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
  'product.updated',
  'webhook_endpoint.disabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an event is about: its type's prefix. */
export const AGGREGATE_TYPES = [
  'order',
  'payment',
  'refund',
  'product',
  'webhook_endpoint',
] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

/** Why an order was cancelled: its customer cancelled it, or it expired unpaid. */
export const CANCELLATION_REASONS = ['customer', 'expired'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export function aggregateOf(type: EventType): AggregateType {
  const [aggregate] = type.split('.') as [AggregateType];
  return aggregate;
}

const ORDER_EVENT: Readonly<Record<OrderStatus, EventType>> = {
  PENDING: 'order.created',
  CONFIRMED: 'order.confirmed',
  FAILED: 'order.failed',
  CANCELLED: 'order.cancelled',
  PARTIALLY_REFUNDED: 'order.partially_refunded',
  REFUNDED: 'order.refunded',
};

/** The event of an order reaching `status` (PENDING: its creation). */
export function orderEventType(status: OrderStatus): EventType {
  return ORDER_EVENT[status];
}

/**
 * The events of a payment's change, in the order they happened: its creation (`before` null),
 * then a failed gateway attempt, then its final state. A fraud rejection is a creation and a
 * failure at once; a decline is a failed attempt and a failure; a retried error is a failed
 * attempt alone; an approval is a success.
 */
export function paymentEventTypes(change: {
  readonly before: PaymentStatus | null;
  readonly after: PaymentStatus;
  readonly attempt?: AttemptOutcome | undefined;
}): EventType[] {
  const types: EventType[] = [];
  if (change.before === null) types.push('payment.created');
  if (change.attempt !== undefined && change.attempt !== 'APPROVED') {
    types.push('payment.attempt_failed');
  }
  if (change.before !== change.after) {
    if (change.after === 'SUCCESS') types.push('payment.succeeded');
    if (change.after === 'FAILED_FINAL') types.push('payment.failed');
  }
  return types;
}

/** The events of a refund's change: its creation (`before` null), then its final state. */
export function refundEventTypes(change: {
  readonly before: RefundStatus | null;
  readonly after: RefundStatus;
}): EventType[] {
  const types: EventType[] = [];
  if (change.before === null) types.push('refund.created');
  if (change.before !== change.after) {
    if (change.after === 'SUCCEEDED') types.push('refund.succeeded');
    if (change.after === 'FAILED') types.push('refund.failed');
  }
  return types;
}
