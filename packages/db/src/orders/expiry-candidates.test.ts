import { ok, planOrderTransition, planStockMoves, type Order } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStockDrift } from '../inventory/stock-audit.js';
import { stockMoveStatements } from '../inventory/stock-moves.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  startTestPayment,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { findExpiredPendingOrders } from './expiry-candidates.js';
import { orderTransitionStatement } from './order.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.database, [{ sku: 'EXP-A', onHand: 1000 }]);
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

// Two transactions open at once need a real server: PGlite runs one at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);

const created = new Date('2026-02-01T00:00:00Z');
const ttlMs = 60_000;
const due = new Date(created.getTime() + ttlMs);
const later = (ms: number) => new Date(due.getTime() + ms);

/** The candidates a sweep at `now` gets, in a transaction of its own. */
async function sweep(now: Date, limit = 100): Promise<string[]> {
  const found = await db.database.transaction(async (tx) =>
    ok(await findExpiredPendingOrders(tx, now, limit)),
  );
  if (!found.ok) throw new Error('unreachable');
  return found.value;
}

/** An order of one unit placed at `at`, expiring `ttlMs` later. */
async function placeAt(at: Date): Promise<Order> {
  const user = await insertTestUser(db.orm);
  return placeTestOrder(db.database, user, [{ sku: 'EXP-A', quantity: 1 }], { now: at, ttlMs });
}

describe('findExpiredPendingOrders', () => {
  it('selects PENDING orders at or past their expiry, and none that is not yet due', async () => {
    const expired = await placeAt(created);
    const notYet = await placeAt(new Date(created.getTime() + 1));

    const found = await sweep(due);
    expect(found).toContain(expired.id);
    expect(found).not.toContain(notYet.id);
    expect(await sweep(new Date(due.getTime() - 1))).not.toContain(expired.id);
    expect(await sweep(later(1))).toEqual(expect.arrayContaining([expired.id, notYet.id]));
  });

  it('never selects an order that has a payment, however long past its expiry', async () => {
    const paying = await placeAt(created);
    // The payment started while the order was still payable; the engine settles it.
    await startTestPayment(db.database, paying, { now: created });
    expect(await sweep(later(86_400_000))).not.toContain(paying.id);
  });

  it('stops selecting an order once it has left PENDING', async () => {
    const order = await placeAt(created);
    expect(await sweep(due)).toContain(order.id);
    const planned = planOrderTransition(order, 'CANCELLED', { reason: 'expired', actor: 'system' });
    if (!planned.ok) throw new Error(planned.error.code);
    const release = planStockMoves('RELEASE', order.lines, 'expired');
    const cancelled = await db.database.transaction((tx) =>
      tx.commitWith([
        orderTransitionStatement(planned.value.transition, due),
        ...stockMoveStatements(release, { orderId: order.id, actor: 'system', at: due }),
      ]),
    );
    expect(cancelled).toEqual(ok(undefined));
    expect(await sweep(due)).not.toContain(order.id);
  });

  it('selects the oldest expiries first, up to the limit', async () => {
    const base = new Date('2025-01-01T00:00:00Z').getTime();
    const oldest = await placeAt(new Date(base));
    const second = await placeAt(new Date(base + 1000));
    await placeAt(new Date(base + 2000));
    expect(await sweep(due, 2)).toEqual([oldest.id, second.id]);
    expect(await sweep(due, 1)).toEqual([oldest.id]);
  });

  it.runIf(onServer)(
    'gives concurrent sweepers different orders, skipping the rows another one has locked',
    async () => {
      for (let i = 0; i < 4; i++) await placeAt(created);
      const mine = await db.database.transaction(async (first) => {
        const locked = await findExpiredPendingOrders(first, later(60_000), 2);
        // Another sweeper meanwhile, on another connection: it skips the locked rows.
        const theirs = await sweep(later(60_000));
        return ok({ locked, theirs });
      });
      if (!mine.ok) throw new Error('unreachable');
      const { locked, theirs } = mine.value;
      expect(locked).toHaveLength(2);
      expect(theirs.length).toBeGreaterThan(0);
      expect(theirs.filter((id) => locked.includes(id))).toEqual([]);
      // Once the first sweeper's transaction ended, its orders are candidates again.
      expect(await sweep(later(60_000))).toEqual(expect.arrayContaining(locked));
    },
  );
});
