import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsAbout,
  eventsWhere,
  hasType,
  readAllEvents,
  typesOf,
} from '../testing/event-reading.js';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { logInAdmin, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import type { EventEnvelope } from './event-schemas.js';

// Which events each state change writes (DESIGN §2 Events), as clients read them: their types in
// commit order, their versions, what changed, and who may read them.

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await logInAdmin(server.url);
});
afterAll(async () => {
  await server.close();
});

let serial = 0;
const nextSku = () => `EVW-${++serial}`;

/** Selects the product.updated events of `sku` (a product's aggregate id is not in the API). */
const updatesOf = (sku: string) => (event: EventEnvelope) =>
  event.type === 'product.updated' && event.data.object.sku === sku;

/** A fresh customer's PENDING order of a fresh SKU. */
async function pendingOrder(email = `buyer-${randomUUID()}@example.com`) {
  const customer = await signUpCustomer(server.url, email);
  const order = await placeOrderFor(admin, customer.client, { sku: nextSku(), quantity: 2 });
  return { customer, order };
}

describe('the events a change writes', () => {
  it('tells a checkout as order.created, payment.created, payment.succeeded, order.confirmed', async () => {
    const { customer, order } = await pendingOrder();
    const payment = await pay(customer.client, order.id, TEST_CARDS.visaApproved);
    expect(payment.status).toBe('SUCCESS');

    const events = await eventsAbout(
      customer.client,
      [order.id, payment.id],
      hasType('order.confirmed'),
    );
    expect(typesOf(events)).toEqual([
      'order.created',
      'payment.created',
      'payment.succeeded',
      'order.confirmed',
    ]);
    const [created, paymentCreated, succeeded, confirmed] = events;
    expect(created).toMatchObject({
      aggregate: { type: 'order', id: order.id, version: 1 },
      data: { object: order, previous: {} },
      ownerId: customer.userId,
    });
    expect(paymentCreated).toMatchObject({
      aggregate: { type: 'payment', id: payment.id, version: 1 },
      data: { previous: {} },
    });
    // The last of each is its subject exactly as the API returns it now.
    expect(succeeded?.aggregate).toEqual({ type: 'payment', id: payment.id, version: 2 });
    expect(succeeded?.data.object).toEqual(
      await customer.client.payments.get.query({ orderId: order.id }),
    );
    expect(succeeded?.data.previous).toMatchObject({ status: 'PROCESSING' });
    expect(confirmed?.aggregate).toEqual({ type: 'order', id: order.id, version: 2 });
    expect(confirmed?.data).toEqual({
      object: await customer.client.orders.get.query({ id: order.id }),
      previous: { status: 'PENDING' },
    });
    for (const event of events) {
      expect(event.id).toMatch(/^evt_/);
      expect(event.ownerId).toBe(customer.userId);
      expect(Date.parse(event.createdAt)).not.toBeNaN();
    }
  });

  it('tells a declined card as a failed attempt, a failed payment and a failed order', async () => {
    const { customer, order } = await pendingOrder();
    const payment = await pay(customer.client, order.id, TEST_CARDS.declined);
    expect(payment.status).toBe('FAILED_FINAL');

    const events = await eventsAbout(
      customer.client,
      [order.id, payment.id],
      hasType('order.failed'),
    );
    expect(typesOf(events)).toEqual([
      'order.created',
      'payment.created',
      'payment.attempt_failed',
      'payment.failed',
      'order.failed',
    ]);
    expect(events.at(-1)?.data.previous).toEqual({ status: 'PENDING' });
  });

  it('tells a fraud rejection as a payment created failed, and a failed order', async () => {
    const { customer, order } = await pendingOrder();
    const payment = await pay(customer.client, order.id, TEST_CARDS.blocklisted);
    expect(payment.failureCode).toBe('FRAUD_REJECTED');

    const events = await eventsAbout(
      customer.client,
      [order.id, payment.id],
      hasType('order.failed'),
    );
    expect(typesOf(events)).toEqual([
      'order.created',
      'payment.created',
      'payment.failed',
      'order.failed',
    ]);
  });

  it('tells a cancellation by the customer, with its reason', async () => {
    const { customer, order } = await pendingOrder();
    await customer.client.orders.cancel.mutate({ id: order.id });

    const events = await eventsAbout(customer.client, [order.id], hasType('order.cancelled'));
    expect(typesOf(events)).toEqual(['order.created', 'order.cancelled']);
    expect(events[1]).toMatchObject({
      aggregate: { version: 2 },
      data: {
        object: { status: 'CANCELLED' },
        previous: { status: 'PENDING' },
        reason: 'customer',
      },
    });
  });

  it("tells an admin's stock change as product.updated, which only admins read", async () => {
    const { customer } = await pendingOrder();
    const sku = nextSku();
    await admin.inventory.upsert.mutate({ sku, name: 'Lamp', priceCents: 4000, onHand: 3 });
    const product = await admin.inventory.upsert.mutate({ sku, onHand: 8 });

    const updates = await eventsWhere(admin, updatesOf(sku), (events) => events.length >= 2);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({
      aggregate: { type: 'product', version: 2 },
      data: { object: product, previous: { onHand: 3, available: 3 } },
      ownerId: null,
    });
    expect((await readAllEvents(customer.client)).map((event) => event.type)).not.toContain(
      'product.updated',
    );
  });

  it('tells an inventory.adjust as product.updated, the count before it in previous; a reservation is none', async () => {
    const sku = nextSku();
    const customer = await signUpCustomer(server.url, `buyer-${randomUUID()}@example.com`);
    await placeOrderFor(admin, customer.client, { sku, quantity: 3, onHand: 10 });
    const product = await admin.inventory.adjust.mutate({ sku, delta: 5, reason: 'delivery 7' });
    expect(product).toMatchObject({ onHand: 15, reserved: 3, available: 12 });

    const updates = await eventsWhere(admin, updatesOf(sku), (events) => events.length >= 2);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({
      aggregate: { type: 'product', id: updates[0]?.aggregate.id, version: 2 },
      data: { object: product },
      ownerId: null,
    });
    expect(updates[1]?.data.previous).toEqual({ onHand: 10, available: 7 });
  });

  it('tells a refund: refund.created, refund.succeeded, then the order partially refunded, then refunded', async () => {
    const { customer, order } = await pendingOrder();
    const payment = await pay(customer.client, order.id, TEST_CARDS.visaApproved);
    const refund = (amountCents?: number) =>
      admin.refunds.create.mutate({
        orderId: order.id,
        reason: 'requested_by_customer',
        idempotencyKey: randomUUID(),
        ...(amountCents === undefined ? {} : { amountCents }),
      });
    const first = await refund(500);
    const second = await refund();
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    const ids = [order.id, payment.id, first.id, second.id];
    const events = await eventsAbout(customer.client, ids, hasType('order.refunded'));
    const refundAndOrder = events.filter((event) => event.aggregate.type !== 'payment');
    expect(typesOf(refundAndOrder)).toEqual([
      'order.created',
      'order.confirmed',
      'refund.created',
      'refund.succeeded',
      'order.partially_refunded',
      'refund.created',
      'refund.succeeded',
      'order.refunded',
    ]);
    const refunded = refundAndOrder.at(-1);
    expect(refunded?.aggregate.version).toBe(4);
    expect(refunded?.data.previous).toEqual({ status: 'PARTIALLY_REFUNDED' });
    expect(refundAndOrder[3]?.data.object).toMatchObject({ id: first.id, status: 'SUCCEEDED' });
  });
});
