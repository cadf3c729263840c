import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAbout, hasType, readAllEvents, typesOf } from '../testing/event-reading.js';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { restCall, type RestErrorBody, type RestOutputs } from '../testing/rest-client.js';
import {
  createTestClient,
  failure,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

// The outbox as clients read it (DESIGN §2 Events): paged by cursor in commit order, filtered by
// type, through tRPC and the REST mirror, each reader seeing only what it may. Which events each
// change writes: events-written.test.ts.

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

/** Every event `client` may read after `after`, in small pages, to page for real. */
const readAll = (client: TestClient, after?: string) => readAllEvents(client, after, 7);

/** A fresh customer's PENDING order of a fresh SKU. */
async function pendingOrder(email = `buyer-${randomUUID()}@example.com`) {
  const customer = await signUpCustomer(server.url, email);
  const order = await placeOrderFor(admin, customer.client, { sku: nextSku(), quantity: 2 });
  return { customer, order };
}

describe('events.list', () => {
  it('pages by cursor: each event once, in order, and an empty page keeps the cursor', async () => {
    // Four orders of four products: eight events, more than a page of seven.
    let latest = await pendingOrder();
    for (let i = 0; i < 3; i++) latest = await pendingOrder();
    // Read once everything written so far is listed, so that each read below sees the same.
    await eventsAbout(admin, [latest.order.id], hasType('order.created'));
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
