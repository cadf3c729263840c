import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStockDrift } from '../inventory/stock-audit.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  stockOf,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { expireOrder, findExpiredPendingOrders } from './order-expiry.repository.js';
import { findOrderById } from './order.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

const created = new Date('2026-02-01T00:00:00Z');
const ttlMs = 60_000;
const due = new Date(created.getTime() + ttlMs);
const sweep = (now: Date, limit = 100) =>
  db.database.transaction((em) => findExpiredPendingOrders(em, now, limit));

/**
 * A PROCESSING payment row for the order. The payments table belongs to the payment code and may
 * grow columns, so every other required column gets a neutral value by its type.
 */
async function insertPayment(orderId: string, userId: string): Promise<void> {
  const known: Record<string, unknown> = {
    id: randomUUID(),
    order_id: orderId,
    user_id: userId,
    status: 'PROCESSING',
    amount_cents: 100,
    currency: 'USD',
    card_last4: '4242',
    fraud_verdict: 'ALLOW',
  };
  const columns = await db.database.execute<{ column_name: string; data_type: string }[]>(
    `select column_name, data_type from information_schema.columns
      where table_name = 'payments' and is_nullable = 'NO' and column_default is null`,
  );
  const byType = (type: string): unknown =>
    type === 'jsonb'
      ? '[]'
      : type.startsWith('timestamp')
        ? new Date()
        : /int|numeric/.test(type)
          ? 0
          : 'x';
  const values = columns.map((c) =>
    c.column_name in known ? known[c.column_name] : byType(c.data_type),
  );
  await db.database.execute(
    `insert into payments (${columns.map((c) => c.column_name).join(', ')})
     values (${columns.map(() => '?').join(', ')})`,
    values,
  );
}

describe('findExpiredPendingOrders', () => {
  it('finds PENDING orders at or past their expiry that have no payment, and nothing else', async () => {
    await insertTestProducts(db.orm, [{ sku: 'EXP-A', onHand: 100 }]);
    const user = await insertTestUser(db.orm);
    const place = (now = created) =>
      placeTestOrder(db.orm, user, [{ sku: 'EXP-A', quantity: 1 }], { now, ttlMs });
    const expired = await place();
    const notYet = await place(new Date(created.getTime() + 1));
    const paying = await place();
    await insertPayment(paying.id, user);

    const found = await sweep(due);
    expect(found).toContain(expired.id);
    expect(found).not.toContain(notYet.id);
    expect(found).not.toContain(paying.id);
    expect(await sweep(new Date(due.getTime() - 1))).not.toContain(expired.id);
    expect(await sweep(due, 1)).toHaveLength(1);
  });
});

describe('expireOrder', () => {
  it('cancels a due order as the system, with an event, and releases its stock', async () => {
    await insertTestProducts(db.orm, [{ sku: 'EXP-B', onHand: 10 }]);
    const order = await placeTestOrder(
      db.orm,
      await insertTestUser(db.orm),
      [{ sku: 'EXP-B', quantity: 4 }],
      { now: created, ttlMs },
    );
    expect(await stockOf(db.orm, 'EXP-B')).toEqual({ onHand: 10, reserved: 4 });

    expect(await db.database.transaction((em) => expireOrder(em, order.id, due))).toBe(true);
    expect((await findOrderById(db.database, order.id))?.status).toBe('CANCELLED');
    expect(await stockOf(db.orm, 'EXP-B')).toEqual({ onHand: 10, reserved: 0 });
    const events = await db.orm.em
      .fork()
      .execute(
        'select from_status, to_status, reason, actor from order_events where order_id = ? order by id',
        [order.id],
      );
    expect(events.at(-1)).toEqual({
      from_status: 'PENDING',
      to_status: 'CANCELLED',
      reason: 'expired',
      actor: 'system',
    });

    // A second sweep finds nothing to do.
    expect(await db.database.transaction((em) => expireOrder(em, order.id, due))).toBe(false);
  });

  it('leaves alone an order that is not due, one with a payment, and one that does not exist', async () => {
    await insertTestProducts(db.orm, [{ sku: 'EXP-C', onHand: 10 }]);
    const user = await insertTestUser(db.orm);
    const order = await placeTestOrder(db.orm, user, [{ sku: 'EXP-C', quantity: 1 }], {
      now: created,
      ttlMs,
    });
    const expire = (id: string, at: Date) =>
      db.database.transaction((em) => expireOrder(em, id, at));
    expect(await expire(order.id, new Date(due.getTime() - 1))).toBe(false);
    await insertPayment(order.id, user);
    expect(await expire(order.id, due)).toBe(false);
    expect(await expire(randomUUID(), due)).toBe(false);
    expect(await stockOf(db.orm, 'EXP-C')).toEqual({ onHand: 10, reserved: 1 });
  });

  it.skipIf(db_kind() === 'embedded')(
    'gives concurrent sweepers different orders (SKIP LOCKED)',
    async () => {
      await insertTestProducts(db.orm, [{ sku: 'EXP-D', onHand: 10 }]);
      const user = await insertTestUser(db.orm);
      for (let i = 0; i < 4; i++)
        await placeTestOrder(db.orm, user, [{ sku: 'EXP-D', quantity: 1 }], {
          now: created,
          ttlMs,
        });
      const later = new Date(due.getTime() + 60_000);
      await db.database.transaction(async (first) => {
        const mine = await findExpiredPendingOrders(first, later, 2);
        const theirs = await sweep(later, 100);
        expect(mine).toHaveLength(2);
        expect(theirs.filter((id) => mine.includes(id))).toEqual([]);
      });
    },
  );
});

function db_kind(): 'embedded' | 'server' {
  // Mirrors createTestDatabase: two concurrent transactions need a real server (PGlite runs one at a time).
  return process.env.TEST_DATABASE_URL ? 'server' : 'embedded';
}
