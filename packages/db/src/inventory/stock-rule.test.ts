import {
  err,
  ok,
  planStockMoves,
  STOCK_LIMITS,
  stockLevelProblem,
  type CatalogueItem,
  type OrderStockMoveKind,
  type StockMove,
} from '@orders/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../statement.js';
import { insertTestProducts, stockOf } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
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
  // The tie test sets the product's levels by hand: its movements do not add up to them, so
  // there is no drift audit here.
  await db.dispose();
});

const at = new Date('2026-01-01T00:00:00Z');
const context = { orderId: null, actor: 'tie', at };

/**
 * Every statement that moves stock: the guarded move, and the reservation of an order priced from
 * memory — its product as remembered, so only the stock can refuse it.
 */
const movers = {
  stockMoveStatements: (move: StockMove) => stockMoveStatements([move], context),
  reservationsAsPricedStatements: (move: StockMove, product: CatalogueItem) =>
    reservationsAsPricedStatements([move], [product], context),
} satisfies Record<
  string,
  (move: StockMove, product: CatalogueItem) => Statement<StockShortage | Repriced>[]
>;
type Mover = keyof typeof movers;
const MOVERS = Object.keys(movers) as Mover[];

type Level = { onHand: number; reserved: number };
type PlannedMove = { kind: OrderStockMoveKind; quantity: number };

const top = STOCK_LIMITS.maxOnHand;
/** Tried every run, through every statement: an empty shelf, a full reservation, the column's top. */
const EDGES: [Level, PlannedMove][] = [
  [
    { onHand: 0, reserved: 0 },
    { kind: 'RESERVE', quantity: 1 },
  ],
  [
    { onHand: 0, reserved: 0 },
    { kind: 'RELEASE', quantity: 1 },
  ],
  [
    { onHand: 0, reserved: 0 },
    { kind: 'COMMIT', quantity: 1 },
  ],
  [
    { onHand: 5, reserved: 5 },
    { kind: 'COMMIT', quantity: 5 },
  ],
  [
    { onHand: 5, reserved: 4 },
    { kind: 'RESERVE', quantity: 1 },
  ],
  [
    { onHand: top, reserved: top - 1 },
    { kind: 'RESERVE', quantity: 1 },
  ],
  [
    { onHand: top, reserved: top },
    { kind: 'RESERVE', quantity: 1 },
  ],
  [
    { onHand: top, reserved: top },
    { kind: 'COMMIT', quantity: 1 },
  ],
];

describe('the stock rule in SQL', () => {
  it('ties every statement that moves stock to core’s stockLevelProblem: refused as short exactly when the level after the move is invalid, else moved by exactly its deltas with one movement row', async () => {
    const [product] = await insertTestProducts(db.database, [{ sku: 'TIE-1', onHand: 0 }]);
    if (product === undefined) throw new Error('TIE-1 was not inserted');
    const line = (quantity: number) => ({
      productId: product.productId,
      sku: product.sku,
      quantity,
    });
    // Small counts, where moves cross the boundaries often; the top of the column's range; and
    // anything in between.
    const onHandArb = fc.oneof(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: top - 12, max: top }),
      fc.integer({ min: 0, max: top }),
    );
    const levelArb = onHandArb.chain((onHand) =>
      fc.record({
        onHand: fc.constant(onHand),
        reserved: fc.oneof(
          fc.integer({ min: 0, max: onHand }),
          fc.constantFrom(0, onHand, Math.max(0, onHand - 1)),
        ),
      }),
    );
    const moveArb = fc.record({
      kind: fc.constantFrom<OrderStockMoveKind>('RESERVE', 'COMMIT', 'RELEASE'),
      quantity: fc.integer({ min: 1, max: 15 }),
    });
    const moverArb = fc.constantFrom(...MOVERS);

    await fc.assert(
      fc.asyncProperty(levelArb, moveArb, moverArb, async (level, { kind, quantity }, mover) => {
        await db.database.execute('update products set on_hand = ?, reserved = ? where id = ?', [
          level.onHand,
          level.reserved,
          product.productId,
        ]);
        const [move] = planStockMoves(kind, [line(quantity)], 'tie');
        if (move === undefined) throw new Error('no move planned');
        const after = {
          onHand: level.onHand + move.onHandDelta,
          reserved: level.reserved + move.reservedDelta,
        };
        const [{ last } = { last: '0' }] = await db.database.execute<{ last: string }[]>(
          'select coalesce(max(id), 0)::text as last from stock_movements',
        );

        const result = await db.database.transaction((tx) =>
          tx.commitWith(movers[mover](move, product)),
        );

        const written = await db.database.execute(
          'select kind, on_hand_delta, reserved_delta from stock_movements where id > ?::bigint',
          [last],
        );
        if (stockLevelProblem(after) !== null) {
          expect(result).toEqual(err({ kind: 'short', move }));
          expect(await stockOf(db.database, 'TIE-1')).toEqual(level);
          expect(written).toEqual([]);
        } else {
          expect(result).toEqual(ok(undefined));
          expect(await stockOf(db.database, 'TIE-1')).toEqual(after);
          expect(written).toEqual([
            { kind, on_hand_delta: move.onHandDelta, reserved_delta: move.reservedDelta },
          ]);
        }
      }),
      {
        numRuns: 80,
        examples: EDGES.flatMap(([level, move]) =>
          MOVERS.map((mover): [Level, PlannedMove, Mover] => [level, move, mover]),
        ),
      },
    );
  });
});
