import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  stockOf,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { transitionOrderStatus } from '../orders/order.repository.js';
import type { Sql } from '../database.js';
import type { OrderStatus } from '@orders/core';
import { findStockDrift } from './stock-audit.js';
import {
  commitOrderStock,
  insufficientStock,
  releaseOrderStock,
  reserveOrderStock,
  StockShortage,
} from './stock.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

const at = new Date('2026-01-01T00:00:00Z');

interface MovementRow {
  sku: string;
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  reason: string;
  actor: string;
}

async function movementsOf(orderId: string) {
  return db.database.execute<MovementRow[]>(
    `select p.sku, m.kind, m.on_hand_delta, m.reserved_delta, m.reason, m.actor
         from stock_movements m join products p on p.id = m.product_id
        where m.order_id = ? order by m.id`,
    [orderId],
  );
}

describe('reserveOrderStock', () => {
  it('reserves every line and records one RESERVE movement per line, in product-id order', async () => {
    const products = await insertTestProducts(db.orm, [
      { sku: 'RES-A', onHand: 5 },
      { sku: 'RES-B', onHand: 5 },
    ]);
    const user = await insertTestUser(db.orm);
    const order = await placeTestOrder(db.orm, user, [
      { sku: 'RES-B', quantity: 2 },
      { sku: 'RES-A', quantity: 3 },
    ]);
    expect(await stockOf(db.orm, 'RES-A')).toEqual({ onHand: 5, reserved: 3 });
    expect(await stockOf(db.orm, 'RES-B')).toEqual({ onHand: 5, reserved: 2 });
    const bySortedId = [...products].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    expect((await movementsOf(order.id)).map((m) => m.sku)).toEqual(bySortedId.map((p) => p.sku));
    expect(await movementsOf(order.id)).toContainEqual({
      sku: 'RES-A',
      kind: 'RESERVE',
      on_hand_delta: 0,
      reserved_delta: 3,
      reason: 'reserved for order',
      actor: `user:${user}`,
    });
  });

  it('names the SKU that is short, with what was asked and what is available', async () => {
    const [a, b] = await insertTestProducts(db.orm, [
      { sku: 'SHORT-A', onHand: 5 },
      { sku: 'SHORT-B', onHand: 1 },
    ]);
    // An order to hang the movements on; it holds one SHORT-A itself.
    const order = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'SHORT-A', quantity: 1 },
    ]);
    const movements = await countRows(db.orm, 'stock_movements');
    const reserving = db.database.transaction(async (tx) => {
      await Promise.all([
        reserveOrderStock(tx, {
          orderId: order.id,
          lines: [
            { productId: a!.productId, sku: 'SHORT-A', quantity: 1 },
            { productId: b!.productId, sku: 'SHORT-B', quantity: 2 },
          ],
          actor: 'test',
          at,
        }),
        // Sent right behind the reservations: the short line's statement keeps it from committing.
        tx.commit(),
      ]);
    });
    const shortage = await reserving.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(shortage).toBeInstanceOf(StockShortage);
    expect(await insufficientStock(db.database, shortage as StockShortage)).toEqual({
      code: 'INVENTORY.INSUFFICIENT_STOCK',
      sku: 'SHORT-B',
      requested: 2,
      available: 1,
    });
    // Nothing committed: the line that had been reserved is undone, no movement remains.
    expect(await stockOf(db.orm, 'SHORT-A')).toEqual({ onHand: 5, reserved: 1 });
    expect(await countRows(db.orm, 'stock_movements')).toBe(movements);
  });

  it('reserves a line priced from a remembered catalogue only while its product still reads so', async () => {
    const [product] = await insertTestProducts(db.orm, [
      { sku: 'PRICED-A', onHand: 5, priceCents: 250 },
    ]);
    const remembered = product!;
    const order = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'PRICED-A', quantity: 1 },
    ]);
    const reserveAsPriced = (tx: Sql, pricedFrom: typeof remembered) =>
      reserveOrderStock(tx, {
        orderId: order.id,
        lines: [{ productId: remembered.productId, sku: 'PRICED-A', quantity: 2 }],
        actor: 'test',
        at,
        pricedFrom: [pricedFrom],
      });
    const stale = [
      { ...remembered, priceCents: 249 },
      { ...remembered, name: 'An older name' },
      { ...remembered, currency: 'EUR' as typeof remembered.currency },
    ];
    for (const item of stale) {
      await expect(
        db.database.transaction((tx) => reserveAsPriced(tx, item)),
      ).rejects.toBeInstanceOf(StockShortage);
    }
    expect(await stockOf(db.orm, 'PRICED-A')).toEqual({ onHand: 5, reserved: 1 });
    // As remembered, it reserves: seen inside the transaction, then rolled back (the order holds 1).
    let reservedInside: unknown;
    const rolledBack = new Error('roll back');
    const outcome = await db.database
      .transaction(async (tx) => {
        await reserveAsPriced(tx, remembered);
        const rows = await tx.execute('select reserved from products where sku = ?', ['PRICED-A']);
        reservedInside = rows[0]?.reserved;
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
    expect(reservedInside).toBe(3);
  });

  it('refuses a non-positive quantity as a bug rather than moving stock backwards', async () => {
    const [p] = await insertTestProducts(db.orm, [{ sku: 'NEG-A', onHand: 5 }]);
    await expect(
      reserveOrderStock(db.database, {
        orderId: randomUUID(),
        lines: [{ productId: p!.productId, sku: 'NEG-A', quantity: -1 }],
        actor: 'test',
        at,
      }),
    ).rejects.toThrow(RangeError);
    expect(await stockOf(db.orm, 'NEG-A')).toEqual({ onHand: 5, reserved: 0 });
  });
});

/** Moves the order out of PENDING first, as every caller of commit/release does. */
async function settle(orderId: string, to: OrderStatus, work: (em: Sql) => Promise<void>) {
  await db.database.transaction(async (em) => {
    const reason = 'test';
    await transitionOrderStatus(em, { orderId, from: 'PENDING', to, reason, actor: 's', at });
    await work(em);
  });
}

describe('commitOrderStock and releaseOrderStock', () => {
  it('commits a reservation: the units leave on hand and reserved', async () => {
    await insertTestProducts(db.orm, [{ sku: 'COM-A', onHand: 10 }]);
    const order = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'COM-A', quantity: 4 },
    ]);
    await settle(order.id, 'CONFIRMED', (em) =>
      commitOrderStock(em, { orderId: order.id, actor: 'system', at }),
    );
    expect(await stockOf(db.orm, 'COM-A')).toEqual({ onHand: 6, reserved: 0 });
    expect((await movementsOf(order.id)).at(-1)).toMatchObject({
      kind: 'COMMIT',
      on_hand_delta: -4,
      reserved_delta: -4,
    });
  });

  it('releases a reservation: the units become available again', async () => {
    await insertTestProducts(db.orm, [{ sku: 'REL-A', onHand: 10 }]);
    const order = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'REL-A', quantity: 4 },
    ]);
    await settle(order.id, 'FAILED', (em) =>
      releaseOrderStock(em, { orderId: order.id, reason: 'payment failed', actor: 'system', at }),
    );
    expect(await stockOf(db.orm, 'REL-A')).toEqual({ onHand: 10, reserved: 0 });
    expect((await movementsOf(order.id)).at(-1)).toMatchObject({
      kind: 'RELEASE',
      on_hand_delta: 0,
      reserved_delta: -4,
      reason: 'payment failed',
    });
  });

  it('throws, and changes nothing, when asked to settle a reservation twice', async () => {
    await insertTestProducts(db.orm, [{ sku: 'TWICE-A', onHand: 10 }]);
    const order = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'TWICE-A', quantity: 4 },
    ]);
    const release = () =>
      db.database.transaction((em) =>
        releaseOrderStock(em, { orderId: order.id, reason: 'r', actor: 'system', at }),
      );
    await settle(order.id, 'CANCELLED', (em) =>
      releaseOrderStock(em, { orderId: order.id, reason: 'r', actor: 'system', at }),
    );
    const movements = await countRows(db.orm, 'stock_movements');
    await expect(release()).rejects.toThrow(/fewer than 4 of TWICE-A reserved/);
    await expect(
      db.database.transaction((em) => commitOrderStock(em, { orderId: order.id, actor: 's', at })),
    ).rejects.toThrow(/reserved/);
    expect(await countRows(db.orm, 'stock_movements')).toBe(movements);
    expect(await stockOf(db.orm, 'TWICE-A')).toEqual({ onHand: 10, reserved: 0 });
  });

  it('throws for an order without lines', async () => {
    await expect(
      releaseOrderStock(db.database, { orderId: randomUUID(), reason: 'r', actor: 's', at }),
    ).rejects.toThrow(/no lines/);
  });
});
