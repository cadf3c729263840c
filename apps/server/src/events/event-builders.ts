import { randomUUID } from 'node:crypto';
import {
  aggregateOf,
  lastVersions,
  orderEventCount,
  orderEventType,
  paymentEventCount,
  paymentEventTypes,
  previousValues,
  refundEventCount,
  refundEventTypes,
  type AttemptOutcome,
  type CancellationReason,
  type EventType,
  type Order,
  type Product,
} from '@orders/core';
import type { NewEvent, RefundWithAttempts, WebhookEndpoint } from '@orders/db';
import { presentPayment } from '../routers/payment-presenters.js';
import { presentOrder, presentProduct } from '../routers/presenters.js';
import { presentRefund } from '../routers/refund-presenters.js';
import { presentEndpoint } from '../routers/webhook-presenters.js';
import type { PaymentView } from '../use-cases/get-payment.js';

/**
 * The events of a state change, ready to be written in the transaction that makes it (DESIGN §2
 * Events). Core says which events a change is; these present their subject exactly as the API
 * returns it (`object`) and what changed (`previous`, the old values of the changed fields).
 */

type Presented = object;

/** An event as written: its data holds the subject as the API shows it and what changed. */
export interface BuiltEvent extends NewEvent {
  readonly data: {
    readonly object: Presented;
    readonly previous: Record<string, unknown>;
    readonly reason?: string;
  };
}

function event(
  type: EventType,
  subject: { id: string; ownerId: string | null; version: number | null },
  object: Presented,
  before: Presented | null,
  at: Date,
  reason?: string,
): BuiltEvent {
  return {
    id: `evt_${randomUUID()}`,
    type,
    aggregateType: aggregateOf(type),
    aggregateId: subject.id,
    ownerId: subject.ownerId,
    aggregateVersion: subject.version,
    data: { object, previous: previousValues(before, object), ...(reason && { reason }) },
    createdAt: at,
  };
}

/**
 * The event of an order reaching its status: `order.created` for a new one (`before` null), else
 * the one core names for the status it moved to; a cancellation says why. `succeededRefunds`
 * (this one included) numbers a refunded order's events.
 */
export function orderEvent(
  order: Order,
  before: Order | null,
  at: Date,
  how: { readonly reason?: CancellationReason; readonly succeededRefunds?: number } = {},
): BuiltEvent {
  const object = presentOrder(order);
  const previous = before === null ? null : presentOrder(before);
  const version = orderEventCount(order.status, how.succeededRefunds ?? 0);
  const subject = { id: order.id, ownerId: order.userId, version };
  return event(orderEventType(order.status), subject, object, previous, at, how.reason);
}

/** An order whose status moved: the event, from the order as it was. */
export function orderMovedEvent(
  before: Order,
  to: Order['status'],
  at: Date,
  how: { readonly reason?: CancellationReason; readonly succeededRefunds?: number } = {},
): BuiltEvent {
  return orderEvent({ ...before, status: to }, before, at, how);
}

/**
 * The events of a payment's change (core's `paymentEventTypes`): its creation, a failed attempt,
 * its final state. `before` is the payment as the API showed it before the change (null: new).
 */
export function paymentEvents(
  after: PaymentView,
  before: PaymentView | null,
  at: Date,
  attempt?: AttemptOutcome,
): NewEvent[] {
  const types = paymentEventTypes({
    before: before === null ? null : before.payment.status,
    after: after.payment.status,
    attempt,
  });
  const object = presentPayment(after);
  const previous = before === null ? null : presentPayment(before);
  const versions = lastVersions(
    paymentEventCount(after.payment.status, after.attempts),
    types.length,
  );
  return types.map((type, i) => {
    const subject = {
      id: after.payment.id,
      ownerId: after.payment.userId,
      version: versions[i] ?? null,
    };
    return event(type, subject, object, previous, at);
  });
}

/**
 * The events of a refund's change (core's `refundEventTypes`), owned by the order's customer: a
 * customer reads the refunds of their own orders.
 */
export function refundEvents(
  after: RefundWithAttempts,
  before: RefundWithAttempts | null,
  ownerId: string,
  at: Date,
): NewEvent[] {
  const types = refundEventTypes({
    before: before === null ? null : before.refund.status,
    after: after.refund.status,
  });
  const object = presentRefund(after);
  const previous = before === null ? null : presentRefund(before);
  const versions = lastVersions(refundEventCount(after.refund.status), types.length);
  return types.map((type, i) => {
    const subject = { id: after.refund.id, ownerId, version: versions[i] ?? null };
    return event(type, subject, object, previous, at);
  });
}

/**
 * An admin's change of a product (created, renamed, repriced, its count set): admins only (no
 * owner). Null when the change left the product as it was (a count set to what it already was).
 */
export function productEvent(after: Product, before: Product | null, at: Date): BuiltEvent | null {
  const object = presentProduct(after);
  const previous = before === null ? null : presentProduct(before);
  // A product's state does not count its changes: the database's counter numbers them.
  const subject = { id: after.productId, ownerId: null, version: null };
  const changed = event('product.updated', subject, object, previous, at);
  return before !== null && Object.keys(changed.data.previous).length === 0 ? null : changed;
}

/**
 * An endpoint disabled after its failed attempts (DESIGN §2 Webhooks): admins only (no owner),
 * numbered by the database's counter like a product's changes.
 */
export function webhookEndpointDisabledEvent(
  after: WebhookEndpoint,
  before: WebhookEndpoint,
  at: Date,
): BuiltEvent {
  const subject = { id: after.id, ownerId: null, version: null };
  const object = presentEndpoint(after);
  return event('webhook_endpoint.disabled', subject, object, presentEndpoint(before), at);
}
