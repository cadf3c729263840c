import { listEvents, type StoredEvent } from '@orders/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPaymentInFlight } from '../testing/stock-invariant.js';
import { createUseCaseEnv, type UseCaseEnv } from '../testing/use-case-env.js';
import { createDomainMetrics } from '../metrics/domain-metrics.js';
import { cancelOrder } from './cancel-order.js';
import { expireOrders } from './expire-orders.js';
import { placeOrderForUser } from './place-order.js';
import { Registry } from 'prom-client';

let env: UseCaseEnv;
let userId: string;
const metrics = createDomainMetrics(new Registry());
beforeAll(async () => {
  env = await createUseCaseEnv();
  userId = await env.customer();
  await env.stock('CX-1', 10);
});
afterAll(async () => {
  await env.dispose();
});

async function order(quantity: number, now = new Date(), ttlMs = 60_000) {
  const placed = await placeOrderForUser(
    { db: env.db, now, orderTtlMs: ttlMs, catalogue: null, metrics },
    { userId, items: [{ sku: 'CX-1', quantity }] },
  );
  if (!placed.ok) throw new Error(placed.error.code);
  return placed.value;
}
/**
 * The outbox's events about `orderId`, once `count` are listed: a reader waits for every older
 * transaction on the server (another test file's, on a shared PostgreSQL), so it reads again.
 */
async function eventsOf(orderId: string, count: number): Promise<StoredEvent[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = (await listEvents(env.db, { after: null, limit: 1_000 })).filter(
      (event) => event.aggregateId === orderId,
    );
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cancel = (orderId: string, by = userId) =>
  cancelOrder({ db: env.db, now: new Date(), metrics }, { userId: by, orderId });

describe('cancelOrder', () => {
  it("cancels the owner's order and releases its stock", async () => {
    const placed = await order(3);
    expect(await env.stockOf('CX-1')).toEqual({ onHand: 10, reserved: 3 });
    expect(await cancel(placed.id)).toMatchObject({ ok: true, value: { status: 'CANCELLED' } });
    expect(await env.stockOf('CX-1')).toEqual({ onHand: 10, reserved: 0 });
  });

  it("answers another customer's order, a missing one and a settled one as core decides", async () => {
    const placed = await order(1);
    const stranger = await env.customer();
    expect(await cancel(placed.id, stranger)).toMatchObject({
      ok: false,
      error: { code: 'ORDER.NOT_FOUND' },
    });
    expect(await cancel(crypto.randomUUID())).toMatchObject({
      ok: false,
      error: { code: 'ORDER.NOT_FOUND' },
    });
    await cancel(placed.id);
    expect(await cancel(placed.id)).toMatchObject({
      ok: false,
      error: { code: 'ORDER.NOT_PENDING', status: 'CANCELLED' },
    });
  });

  it('leaves an order with a payment under way alone', async () => {
    const placed = await order(2);
    await insertPaymentInFlight(env.db, { ...placed, amountCents: placed.total.amountCents });
    expect(await cancel(placed.id)).toMatchObject({
      ok: false,
      error: { code: 'PAYMENT.ALREADY_PAID', status: 'PROCESSING' },
    });
    expect(await env.stockOf('CX-1')).toEqual({ onHand: 10, reserved: 2 });
  });
});

describe('expireOrders', () => {
  it('cancels due PENDING orders without a payment, as the system, and releases their stock', async () => {
    const created = new Date(Date.now() - 120_000);
    const due = await order(4, created, 1_000);
    const later = await order(1, new Date(), 3_600_000);
    const reserved = (await env.stockOf('CX-1')).reserved;
    expect(await expireOrders({ db: env.db, now: new Date(), metrics }, 100)).toBe(1);
    expect(await env.stockOf('CX-1')).toEqual({ onHand: 10, reserved: reserved - 4 });
    const events = await env.db.execute<{ order_id: string; reason: string; actor: string }[]>(
      `select order_id, reason, actor from order_events where to_status = 'CANCELLED' and actor = 'system'`,
    );
    expect(events).toEqual([{ order_id: due.id, reason: 'expired', actor: 'system' }]);
    expect(events.map((e) => e.order_id)).not.toContain(later.id);
    // Nothing left to do: a second sweep moves nothing.
    expect(await expireOrders({ db: env.db, now: new Date(), metrics }, 100)).toBe(0);
  });

  it('tells each expiry as order.cancelled, reason expired, from PENDING', async () => {
    const due = await order(2, new Date(Date.now() - 120_000), 1_000);
    expect(await expireOrders({ db: env.db, now: new Date(), metrics }, 100)).toBe(1);

    const events = await eventsOf(due.id, 2);
    expect(events.map((event) => event.type)).toEqual(['order.created', 'order.cancelled']);
    expect(events[1]).toMatchObject({
      aggregateType: 'order',
      aggregateVersion: 2,
      ownerId: userId,
    });
    expect(events[1]?.data).toEqual({
      object: expect.objectContaining({ id: due.id, status: 'CANCELLED' }),
      previous: { status: 'PENDING' },
      reason: 'expired',
    });
  });
});
