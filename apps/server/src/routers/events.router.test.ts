import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { restCall, type RestErrorBody, type RestOutputs } from '../testing/rest-client.js';
import {
  createTestClient,
  failure,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';
import type { EventEnvelope } from './event-schemas.js';

// The outbox as clients read it (DESIGN §2 Events): each state change's event, in commit order,
// through tRPC and the REST mirror, each reader seeing only what it may.

type EventPage = RestOutputs['events']['list'];

let server: TestServer;
let admin: TestClient;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  admin = createTestClient(server.url, adminToken);
});
afterAll(async () => {
  await server.close();
});

let serial = 0;
const nextSku = () => `EVT-${++serial}`;

/** Every event `client` may read after `after`, page by page (small pages, to page for real). */
async function readAll(client: TestClient, after?: string): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let cursor = after;
  for (;;) {
    const page = await client.events.list.query({ after: cursor, limit: 7 });
    events.push(...page.items);
    if (page.cursor !== null) cursor = page.cursor;
    if (!page.hasMore) return events;
  }
}

/**
 * The events `client` may read that `about` selects, once `done` holds for them. A change is
 * listed only once every older transaction has ended (the worker's, another request's, another
 * test file's on a shared PostgreSQL), so a read right after a call may come a moment early: it
 * is read again until done, for 10 s.
 */
async function eventsWhere(
  client: TestClient,
  about: (event: EventEnvelope) => boolean,
  done: (events: EventEnvelope[]) => boolean,
): Promise<EventEnvelope[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = (await readAll(client)).filter(about);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** {@link eventsWhere} for the events about the given aggregates. */
function eventsAbout(
  client: TestClient,
  ids: readonly string[],
  done: (events: EventEnvelope[]) => boolean,
): Promise<EventEnvelope[]> {
  return eventsWhere(client, (event) => ids.includes(event.aggregate.id), done);
}

const typesOf = (events: EventEnvelope[]) => events.map((event) => event.type);
const hasType = (type: EventEnvelope['type']) => (events: EventEnvelope[]) =>
  events.some((event) => event.type === type);

/** A fresh customer's PENDING order of a fresh SKU. */
async function pendingOrder(email = `buyer-${randomUUID()}@example.com`) {
  const customer = await signUpCustomer(server.url, email);
  const order = await placeOrderFor(admin, customer.client, { sku: nextSku(), quantity: 2 });
  return { customer, order };
}

describe('events.list', () => {
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

    const updates = await eventsWhere(
      admin,
      (event) => event.type === 'product.updated' && event.data.object.sku === sku,
      (events) => events.length >= 2,
    );
    expect(updates).toHaveLength(2);
    expect(updates[1]).toMatchObject({
      aggregate: { type: 'product', version: 2 },
      data: { object: product, previous: { onHand: 3, available: 3 } },
      ownerId: null,
    });
    expect((await readAll(customer.client)).map((event) => event.type)).not.toContain(
      'product.updated',
    );
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

  it('pages by cursor: each event once, in order, and an empty page keeps the cursor', async () => {
    const { order } = await pendingOrder();
    // Read once everything written so far is listed, so that each read below sees the same.
    await eventsAbout(admin, [order.id], hasType('order.created'));
    const all = await readAll(admin);
    expect(all.length).toBeGreaterThan(7);
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);

    const firstPage = await admin.events.list.query({ limit: 3 });
    expect(firstPage).toMatchObject({ hasMore: true, cursor: firstPage.items[2]?.cursor });
    const rest = await readAll(admin, firstPage.cursor ?? undefined);
    expect([...firstPage.items, ...rest].map((event) => event.id)).toEqual(
      all.map((event) => event.id),
    );

    const last = all.at(-1)?.cursor;
    const tail = await admin.events.list.query({ after: last });
    expect(tail).toEqual({ items: [], cursor: last, hasMore: false });
    const newcomer = await signUpCustomer(server.url, `new-${randomUUID()}@example.com`);
    expect(await newcomer.client.events.list.query()).toEqual({
      items: [],
      cursor: null,
      hasMore: false,
    });
  });

  it('reads only the types asked for, as an array over tRPC and comma-separated over REST', async () => {
    const { customer, order } = await pendingOrder();
    await customer.client.orders.cancel.mutate({ id: order.id });
    await eventsAbout(customer.client, [order.id], hasType('order.cancelled'));

    const types = ['order.cancelled', 'product.updated'] as const;
    const viaTrpc = await admin.events.list.query({ types: [...types], limit: 500 });
    expect(new Set(typesOf(viaTrpc.items))).toEqual(new Set(types));

    const viaRest = await restCall<EventPage>(
      server.url,
      'GET',
      '/api/events?types=order.cancelled,product.updated&limit=500',
      { token: adminToken },
    );
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toEqual(viaTrpc);
    const repeated = await restCall<EventPage>(
      server.url,
      'GET',
      '/api/events?types=order.cancelled&types=product.updated&limit=500',
      { token: adminToken },
    );
    expect(repeated.body).toEqual(viaTrpc);
  });

  it("never shows a customer another's events, over tRPC or REST; an admin reads them all", async () => {
    const a = await pendingOrder();
    const b = await pendingOrder();
    const paid = await pay(a.customer.client, a.order.id, TEST_CARDS.visaApproved);
    const aIds = [a.order.id, paid.id];
    await eventsAbout(admin, aIds, hasType('order.confirmed'));

    const seenByB = await readAll(b.customer.client);
    expect(seenByB.length).toBeGreaterThan(0);
    expect(seenByB.every((event) => event.ownerId === b.customer.userId)).toBe(true);
    const rest = await restCall<EventPage>(server.url, 'GET', '/api/events?limit=500', {
      token: b.customer.token,
    });
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((event) => event.id)).toEqual(seenByB.map((event) => event.id));

    const seenByAdmin = await readAll(admin);
    const owners = new Set(seenByAdmin.map((event) => event.ownerId));
    expect(owners).toContain(a.customer.userId);
    expect(owners).toContain(b.customer.userId);
    expect(owners).toContain(null);
  });

  it('refuses a cursor it did not hand out, and a reader without a token', async () => {
    for (const after of ['nope', '1-2-3', '-1-0', '01-2', `${'9'.repeat(30)}-1`]) {
      const error = await failure(admin.events.list.query({ after }));
      expect(error.data?.code, after).toBe('BAD_REQUEST');
      const rest = await restCall<RestErrorBody>(server.url, 'GET', `/api/events?after=${after}`, {
        token: adminToken,
      });
      expect(rest.status, after).toBe(400);
      expect(rest.body.data.issues?.[0]?.path).toBe('after');
    }
    const unknownType = await restCall<RestErrorBody>(
      server.url,
      'GET',
      '/api/events?types=order.shipped',
      {
        token: adminToken,
      },
    );
    expect(unknownType.status).toBe(400);
    expect((await restCall(server.url, 'GET', '/api/events')).status).toBe(401);
    expect((await failure(createTestClient(server.url).events.list.query())).data?.code).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('events.cursor', () => {
  it('hands out the cursor of now: nothing listed before it comes after it, what commits later does, once', async () => {
    const { customer, order } = await pendingOrder();
    // The cursor of now may still give an event committed just before it, while an older
    // transaction anywhere on the server was running (README: given once more, never lost); one
    // a reader could already list is never after it. So the order's creation is listed first.
    await eventsAbout(customer.client, [order.id], hasType('order.created'));
    const { cursor } = await customer.client.events.cursor.query();
    const after = await customer.client.orders.cancel.mutate({ id: order.id });
    expect(after.status).toBe('CANCELLED');
    const deadline = Date.now() + 10_000;
    let read = await readAll(customer.client, cursor);
    while (!hasType('order.cancelled')(read) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      read = await readAll(customer.client, cursor);
    }
    expect(typesOf(read)).toEqual(['order.cancelled']);
    const rest = await restCall<{ cursor: string }>(server.url, 'GET', '/api/events/cursor', {
      token: adminToken,
    });
    expect(rest.status).toBe(200);
    expect(rest.body.cursor).toMatch(/^\d+-\d+$/);
  });
});
