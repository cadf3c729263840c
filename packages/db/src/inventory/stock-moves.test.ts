import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asProductId,
  asSku,
  err,
  ok,
  placeOrder,
  planOrderTransition,
  planStockMoves,
  type CatalogueItem,
  type Order,
  type OrderPlacement,
  type OrderStockMoveKind,
  type UserId,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../database.js';
import {
  findOrderById,
  findWholeOrder,
  insertOrderStatement,
  orderTransitionStatement,
} from '../orders/order.repository.js';
import {
  countRows,
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  stockOf,
} from '../testing/order-fixtures.js';
import { barrier } from '../testing/barrier.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { findStockDrift } from './stock-audit.js';
import type { Statement } from '../statement.js';
import {
  availableOf,
  reservationsAsPricedStatements,
  stockMoveStatements,
  type Repriced,
  type StockShortage,
} from './stock-moves.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

// Transactions open at the same time need a real server: PGlite runs one at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);
const at = new Date('2026-01-01T00:00:00Z');

interface MovementRow {
  sku: string;
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  reason: string;
  actor: string;
}

function movementsOf(orderId: string): Promise<MovementRow[]> {
  return db.database.execute<MovementRow[]>(
    `select p.sku, m.kind, m.on_hand_delta, m.reserved_delta, m.reason, m.actor
         from stock_movements m join products p on p.id = m.product_id
        where m.order_id = ? order by m.id`,
    [orderId],
  );
}

/** Core's decision on a new order, priced from `catalogue`; throws if core refuses. */
function decideOrder(
  userId: UserId,
  lines: readonly { sku: string; quantity: number }[],
  catalogue: readonly CatalogueItem[],
): OrderPlacement {
  const decided = placeOrder({
    id: asOrderId(randomUUID()),
    userId,
    lines: lines.map((l) => ({ sku: asSku(l.sku), quantity: l.quantity })),
    catalogue,
    now: at.getTime(),
  });
  if (!decided.ok) throw new Error(`order refused: ${decided.error.code}`);
  return decided.value;
}

/** The order's row and its reservations, as placing an order sends them. */
function placementStatements({ order, reservations }: OrderPlacement): Statement<StockShortage>[] {
  const context = { orderId: order.id, actor: `user:${order.userId}`, at };
  return [insertOrderStatement(order), ...stockMoveStatements(reservations, context)];
}

/** What a refused write must not have left behind. */
async function writtenRows(): Promise<Record<string, number>> {
  const tables = ['orders', 'order_lines', 'order_events', 'stock_movements'];
  const counts = await Promise.all(tables.map((t) => countRows(db.database, t)));
  return Object.fromEntries(tables.map((t, i) => [t, counts[i] ?? -1]));
}

describe('stockMoveStatements', () => {
  it('reserves every line and records one RESERVE movement per line, in product-id order', async () => {
    const products = await insertTestProducts(db.database, [
      { sku: 'RES-A', onHand: 5 },
      { sku: 'RES-B', onHand: 5 },
    ]);
    const user = await insertTestUser(db.orm);
    const order = await placeTestOrder(db.database, user, [
      { sku: 'RES-B', quantity: 2 },
      { sku: 'RES-A', quantity: 3 },
    ]);
    expect(await stockOf(db.database, 'RES-A')).toEqual({ onHand: 5, reserved: 3 });
    expect(await stockOf(db.database, 'RES-B')).toEqual({ onHand: 5, reserved: 2 });
    const bySortedId = [...products].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    const movements = await movementsOf(order.id);
    expect(movements.map((m) => m.sku)).toEqual(bySortedId.map((p) => p.sku));
    expect(movements).toContainEqual({
      sku: 'RES-A',
      kind: 'RESERVE',
      on_hand_delta: 0,
      reserved_delta: 3,
      reason: 'reserved for order',
      actor: `user:${user}`,
    });
  });

  it('refuses a short line as { kind: short, move } naming it, and writes nothing of the order', async () => {
    const catalogue = await insertTestProducts(db.database, [
      { sku: 'SHORT-A', onHand: 5 },
      { sku: 'SHORT-B', onHand: 1 },
    ]);
    const placement = decideOrder(
      await insertTestUser(db.orm),
      [
        { sku: 'SHORT-A', quantity: 1 },
        { sku: 'SHORT-B', quantity: 2 },
      ],
      catalogue,
    );
    const before = await writtenRows();

    const result = await db.database.transaction((tx) =>
      tx.commitWith(placementStatements(placement)),
    );

    const shortMove = placement.reservations.find((m) => m.sku === 'SHORT-B');
    expect(shortMove).toMatchObject({ kind: 'RESERVE', reservedDelta: 2 });
    expect(result).toEqual(err({ kind: 'short', move: shortMove }));
    expect(await availableOf(db.database, shortMove!.productId)).toBe(1);
    // Nothing committed: not the order, not the line reserved before or after the short one.
    expect(await writtenRows()).toEqual(before);
    expect(await findOrderById(db.database, placement.order.id)).toBeNull();
    expect(await stockOf(db.database, 'SHORT-A')).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(db.database, 'SHORT-B')).toEqual({ onHand: 1, reserved: 0 });
  });

  it('names the first short line in lock order when several are short', async () => {
    const catalogue = await insertTestProducts(db.database, [
      { sku: 'BOTH-A', onHand: 1 },
      { sku: 'BOTH-B', onHand: 1 },
    ]);
    const placement = decideOrder(
      await insertTestUser(db.orm),
      [
        { sku: 'BOTH-B', quantity: 2 },
        { sku: 'BOTH-A', quantity: 2 },
      ],
      catalogue,
    );
    const result = await db.database.transaction((tx) =>
      tx.commitWith(placementStatements(placement)),
    );
    const [first] = [...catalogue].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    expect(result).toMatchObject(err({ kind: 'short', move: { sku: first!.sku } }));
    expect(result).toEqual(err({ kind: 'short', move: placement.reservations[0] }));
  });

  it('never oversells: of many concurrent orders for the last units, exactly as many get them as there are units', async () => {
    const units = 5;
    const buyers = 16;
    const catalogue = await insertTestProducts(db.database, [{ sku: 'RACE-1', onHand: units }]);
    const user = await insertTestUser(db.orm);
    const before = await countRows(db.database, 'orders');
    // On a server every buyer holds a connection and an open transaction before any of them
    // reserves, so the reservations truly contend for the row; PGlite runs them one by one.
    const racing: Database = onServer
      ? createDatabase({ url: db.url, poolMax: buyers })
      : db.database;
    const allOpen = barrier(onServer ? buyers : 1);
    try {
      const results = await Promise.all(
        Array.from({ length: buyers }, async () => {
          const placement = decideOrder(user, [{ sku: 'RACE-1', quantity: 1 }], catalogue);
          return racing.transaction(async (tx) => {
            await tx.execute('select 1');
            if (onServer) await allOpen();
            return tx.commitWith(placementStatements(placement));
          });
        }),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(units);
      for (const refused of results.filter((r) => !r.ok)) {
        expect(refused).toMatchObject(err({ kind: 'short', move: { sku: 'RACE-1' } }));
      }
      expect(await stockOf(db.database, 'RACE-1')).toEqual({ onHand: units, reserved: units });
      expect(await countRows(db.database, 'orders')).toBe(before + units);
    } finally {
      if (racing !== db.database) await racing.close();
    }
  });

  it('takes the products’ locks in one order, so concurrent orders naming them in opposite orders never deadlock', async () => {
    const pairs = 10;
    const catalogue = await insertTestProducts(db.database, [
      { sku: 'LOCK-A', onHand: 1000 },
      { sku: 'LOCK-B', onHand: 1000 },
    ]);
    const user = await insertTestUser(db.orm);
    const racing: Database = onServer
      ? createDatabase({ url: db.url, poolMax: 2 * pairs })
      : db.database;
    const allOpen = barrier(onServer ? 2 * pairs : 1);
    try {
      const results = await Promise.all(
        Array.from({ length: 2 * pairs }, async (_, i) => {
          const lines = [
            { sku: 'LOCK-A', quantity: 1 },
            { sku: 'LOCK-B', quantity: 1 },
          ];
          const placement = decideOrder(user, i % 2 === 0 ? lines : lines.reverse(), catalogue);
          return racing.transaction(async (tx) => {
            await tx.execute('select 1');
            if (onServer) await allOpen();
            return tx.commitWith(placementStatements(placement));
          });
        }),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await stockOf(db.database, 'LOCK-A')).toEqual({ onHand: 1000, reserved: 2 * pairs });
      expect(await stockOf(db.database, 'LOCK-B')).toEqual({ onHand: 1000, reserved: 2 * pairs });
    } finally {
      if (racing !== db.database) await racing.close();
    }
  });
});

describe('settling an order’s stock', () => {
  /** Moves the order out of PENDING with its stock moves, in one transaction. */
  async function settle(
    order: Order,
    to: 'CONFIRMED' | 'FAILED' | 'CANCELLED',
    kind: OrderStockMoveKind,
    reason: string,
  ) {
    const moved = planOrderTransition(order, to, { reason, actor: 'system' });
    if (!moved.ok) throw new Error(moved.error.code);
    const moves = planStockMoves(kind, await stockLinesOf(order.id), reason);
    return db.database.transaction((tx) =>
      tx.commitWith([
        orderTransitionStatement(moved.value.transition, at),
        ...stockMoveStatements(moves, { orderId: order.id, actor: 'system', at }),
      ]),
    );
  }

  it('commits a reservation: the units leave on hand and reserved', async () => {
    await insertTestProducts(db.database, [{ sku: 'COM-A', onHand: 10 }]);
    const order = await placeTestOrder(db.database, await insertTestUser(db.orm), [
      { sku: 'COM-A', quantity: 4 },
    ]);
    expect(await settle(order, 'CONFIRMED', 'COMMIT', 'order confirmed')).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'COM-A')).toEqual({ onHand: 6, reserved: 0 });
    expect((await movementsOf(order.id)).at(-1)).toEqual({
      sku: 'COM-A',
      kind: 'COMMIT',
      on_hand_delta: -4,
      reserved_delta: -4,
      reason: 'order confirmed',
      actor: 'system',
    });
  });

  it('releases a reservation: the units become available again', async () => {
    await insertTestProducts(db.database, [{ sku: 'REL-A', onHand: 10 }]);
    const order = await placeTestOrder(db.database, await insertTestUser(db.orm), [
      { sku: 'REL-A', quantity: 4 },
    ]);
    expect(await settle(order, 'FAILED', 'RELEASE', 'payment failed')).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'REL-A')).toEqual({ onHand: 10, reserved: 0 });
    expect((await movementsOf(order.id)).at(-1)).toEqual({
      sku: 'REL-A',
      kind: 'RELEASE',
      on_hand_delta: 0,
      reserved_delta: -4,
      reason: 'payment failed',
      actor: 'system',
    });
  });

  it('refuses to settle a reservation twice, and changes nothing', async () => {
    await insertTestProducts(db.database, [{ sku: 'TWICE-A', onHand: 10 }]);
    const order = await placeTestOrder(db.database, await insertTestUser(db.orm), [
      { sku: 'TWICE-A', quantity: 4 },
    ]);
    expect(await settle(order, 'CANCELLED', 'RELEASE', 'r')).toEqual(ok(undefined));
    const before = await writtenRows();
    const lines = await stockLinesOf(order.id);
    for (const kind of ['RELEASE', 'COMMIT'] as const) {
      const [move] = planStockMoves(kind, lines, 'again');
      const again = await db.database.transaction((tx) =>
        tx.commitWith(stockMoveStatements([move!], { orderId: order.id, actor: 'system', at })),
      );
      expect(again).toEqual(err({ kind: 'short', move }));
    }
    expect(await writtenRows()).toEqual(before);
    expect(await stockOf(db.database, 'TWICE-A')).toEqual({ onHand: 10, reserved: 0 });
  });
});

describe('reservationsAsPricedStatements', () => {
  /** An order of `sku` priced from `remembered`, placed through the price-guarded reservations. */
  const placeAsPriced = (placement: OrderPlacement, remembered: readonly CatalogueItem[]) => {
    const context = { orderId: placement.order.id, actor: 'test', at };
    return db.database.transaction((tx) =>
      tx.commitWith<Repriced | StockShortage>([
        insertOrderStatement(placement.order),
        ...reservationsAsPricedStatements(placement.reservations, remembered, context),
      ]),
    );
  };

  it('refuses as repriced when the name, the price or the currency changed since, writing nothing', async () => {
    const [product] = await insertTestProducts(db.database, [
      { sku: 'PRICED-A', onHand: 5, priceCents: 250 },
    ]);
    const user = await insertTestUser(db.orm);
    const before = await writtenRows();
    for (const stale of [
      { ...product!, priceCents: 249 },
      { ...product!, name: 'An older name' },
      { ...product!, currency: 'EUR' as const },
    ]) {
      const placement = decideOrder(user, [{ sku: 'PRICED-A', quantity: 1 }], [stale]);
      expect(await placeAsPriced(placement, [stale])).toEqual(err({ kind: 'repriced' }));
    }
    expect(await writtenRows()).toEqual(before);
    expect(await stockOf(db.database, 'PRICED-A')).toEqual({ onHand: 5, reserved: 0 });
  });

  it('reserves every line while each product still reads as remembered', async () => {
    const catalogue = await insertTestProducts(db.database, [
      { sku: 'PRICED-B', onHand: 5, priceCents: 100 },
      { sku: 'PRICED-C', onHand: 5, priceCents: 300 },
    ]);
    const user = await insertTestUser(db.orm);
    const lines = [
      { sku: 'PRICED-B', quantity: 2 },
      { sku: 'PRICED-C', quantity: 1 },
    ];
    const placement = decideOrder(user, lines, catalogue);
    expect(await placeAsPriced(placement, catalogue)).toEqual(ok(undefined));
    expect((await findOrderById(db.database, placement.order.id))?.total.amountCents).toBe(500);
    expect(await stockOf(db.database, 'PRICED-B')).toEqual({ onHand: 5, reserved: 2 });

    // One stale product among fresh ones refuses the whole order.
    const oneStale = [catalogue[0]!, { ...catalogue[1]!, priceCents: 301 }];
    const stale = decideOrder(user, lines, oneStale);
    expect(await placeAsPriced(stale, oneStale)).toEqual(err({ kind: 'repriced' }));
    expect(await findOrderById(db.database, stale.order.id)).toBeNull();
  });

  it('tells a short line from a repriced one: short when the prices held', async () => {
    const remembered = await insertTestProducts(db.database, [
      { sku: 'PRICED-D', onHand: 2, priceCents: 500 },
    ]);
    const user = await insertTestUser(db.orm);
    const placement = decideOrder(user, [{ sku: 'PRICED-D', quantity: 3 }], remembered);
    expect(await placeAsPriced(placement, remembered)).toEqual(
      err({ kind: 'short', move: placement.reservations[0] }),
    );
    // Short and repriced at once: the price is what the order got wrong first.
    await db.database.execute("update products set price_cents = 550 where sku = 'PRICED-D'");
    const both = decideOrder(user, [{ sku: 'PRICED-D', quantity: 3 }], remembered);
    expect(await placeAsPriced(both, remembered)).toEqual(err({ kind: 'repriced' }));
  });

  it('refuses to guard a reservation whose product was not priced from memory (a bug)', () => {
    const move = planStockMoves(
      'RESERVE',
      [{ productId: asProductId(randomUUID()), sku: asSku('X'), quantity: 1 }],
      'r',
    );
    expect(() =>
      reservationsAsPricedStatements(move, [], { orderId: null, actor: 'a', at }),
    ).toThrow(/not priced from memory/);
  });
});

/** An order's stock lines, as settling it moves them. */
async function stockLinesOf(orderId: string) {
  const order = await findWholeOrder(db.database, orderId);
  if (order === null) throw new Error(`order ${orderId} is missing`);
  return order.lines.map(({ productId, sku, quantity }) => ({ productId, sku, quantity }));
}
