import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStockConsistent, insertPaymentInFlight } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { expireOrders } from '../use-cases/expire-orders.js';
import { testMetrics } from '../testing/test-metrics.js';

let server: TestServer;
let customer: { client: TestClient; userId: string };
const reservedOf = async (sku: string) =>
  (await createTestClient(server.url).products.get.query({ sku })).reserved;
const order = (sku: string, quantity = 1) =>
  customer.client.orders.create.mutate({ items: [{ sku, quantity }] });

beforeAll(async () => {
  server = await startTestServer();
  const admin = await logInAdmin(server.url);
  for (const sku of ['LIFE-01', 'LIST-01', 'CANCEL-01', 'EXPIRE-01', 'PAYING-01']) {
    await admin.inventory.upsert.mutate({ sku, name: sku, priceCents: 1000, onHand: 50 });
  }
  customer = await signUpCustomer(server.url, 'lifecycle@example.com');
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

describe('orders.get', () => {
  it('returns the caller’s order as it was created', async () => {
    const created = await order('LIFE-01', 2);
    expect(await customer.client.orders.get.query({ id: created.id })).toEqual(created);
  });

  it('answers BAD_REQUEST, never a 500, for an id that is not a uuid', async () => {
    for (const id of ['42', 'not-a-uuid', "' or 1=1 --", '00000000-0000-0000-0000-00000000000g']) {
      const error = await failure(customer.client.orders.get.query({ id }));
      expect(error.data?.code).toBe('BAD_REQUEST');
    }
    const cancel = await failure(customer.client.orders.cancel.mutate({ id: 'nope' }));
    expect(cancel.data?.code).toBe('BAD_REQUEST');
  });
});

describe('orders.list', () => {
  it('pages through the caller’s orders newest first', async () => {
    const other = await signUpCustomer(server.url, 'lister@example.com');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (await other.client.orders.create.mutate({ items: [{ sku: 'LIST-01', quantity: 1 }] })).id,
      );
    }
    const first = await other.client.orders.list.query({ limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual([created[4], created[3]]);
    const second = await other.client.orders.list.query({
      limit: 2,
      cursor: first.nextCursor ?? '',
    });
    const third = await other.client.orders.list.query({
      limit: 2,
      cursor: second.nextCursor ?? '',
    });
    expect([...second.items, ...third.items].map((o) => o.id)).toEqual([
      created[2],
      created[1],
      created[0],
    ]);
    expect(third.nextCursor).toBeNull();
    expect((await other.client.orders.list.query()).items).toHaveLength(5);
  });

  it('filters by status', async () => {
    const kept = await order('LIST-01');
    const cancelled = await order('LIST-01');
    await customer.client.orders.cancel.mutate({ id: cancelled.id });
    const onlyCancelled = await customer.client.orders.list.query({ status: 'CANCELLED' });
    expect(onlyCancelled.items.map((o) => o.id)).toContain(cancelled.id);
    expect(onlyCancelled.items.map((o) => o.id)).not.toContain(kept.id);
    expect(onlyCancelled.items.every((o) => o.status === 'CANCELLED')).toBe(true);
  });

  it.each([
    ['a forged cursor', { cursor: 'eyJoYWNrIjp0cnVlfQ' }],
    ['a limit of 0', { limit: 0 }],
    ['a limit of 101', { limit: 101 }],
    ['an unknown status', { status: 'SHIPPED' }],
  ])('refuses %s as BAD_REQUEST', async (_, input) => {
    // The cast lets the test send what a hand-written client could.
    const error = await failure(customer.client.orders.list.query(input as { limit: number }));
    expect(error.data?.code).toBe('BAD_REQUEST');
  });
});

describe('orders.cancel', () => {
  it('cancels a PENDING order and releases its stock', async () => {
    const before = await reservedOf('CANCEL-01');
    const created = await order('CANCEL-01', 4);
    expect(await reservedOf('CANCEL-01')).toBe(before + 4);
    const cancelled = await customer.client.orders.cancel.mutate({ id: created.id });
    expect(cancelled).toEqual({ ...created, status: 'CANCELLED' });
    expect(await reservedOf('CANCEL-01')).toBe(before);
  });

  it('refuses to cancel twice (CONFLICT, ORDER.NOT_PENDING) and releases nothing more', async () => {
    const created = await order('CANCEL-01', 2);
    await customer.client.orders.cancel.mutate({ id: created.id });
    const reserved = await reservedOf('CANCEL-01');
    const error = await failure(customer.client.orders.cancel.mutate({ id: created.id }));
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'ORDER.NOT_PENDING',
      details: { status: 'CANCELLED' },
    });
    expect(await reservedOf('CANCEL-01')).toBe(reserved);
  });

  it('refuses to cancel an order whose payment is under way', async () => {
    const created = await order('PAYING-01', 1);
    await insertPaymentInFlight(server.services.db, {
      id: created.id,
      userId: customer.userId,
      amountCents: created.totalCents,
    });
    const error = await failure(customer.client.orders.cancel.mutate({ id: created.id }));
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'PAYMENT.ALREADY_PAID',
      details: { status: 'PROCESSING' },
    });
    expect((await customer.client.orders.get.query({ id: created.id })).status).toBe('PENDING');
  });

  it('writes the cancellation to the order’s audit trail', async () => {
    const created = await order('CANCEL-01');
    await customer.client.orders.cancel.mutate({ id: created.id });
    const events = await server.services.db.execute(
      'select from_status, to_status, reason, actor from order_events where order_id = ? order by id',
      [created.id],
    );
    expect(events).toEqual([
      {
        from_status: null,
        to_status: 'PENDING',
        reason: 'created',
        actor: `user:${customer.userId}`,
      },
      {
        from_status: 'PENDING',
        to_status: 'CANCELLED',
        reason: 'cancelled by customer',
        actor: `user:${customer.userId}`,
      },
    ]);
  });
});

describe('order expiry', () => {
  it('cancels an unpaid order past its TTL and releases its stock', async () => {
    const before = await reservedOf('EXPIRE-01');
    const created = await order('EXPIRE-01', 5);
    const due = new Date(created.expiresAt);
    const expired = await expireOrders(
      { db: server.services.db, now: due, metrics: testMetrics() },
      100,
    );
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await customer.client.orders.get.query({ id: created.id })).status).toBe('CANCELLED');
    expect(await reservedOf('EXPIRE-01')).toBe(before);
    const error = await failure(customer.client.orders.cancel.mutate({ id: created.id }));
    expect(error.data?.domainCode).toBe('ORDER.NOT_PENDING');
  });
});
