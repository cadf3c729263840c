import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asProductId, asSku } from '../shared/ids.js';
import {
  adjustStock,
  availableStock,
  planStockMoves,
  setStockOnHand,
  sortByLockOrder,
  stockLevelProblem,
  STOCK_LIMITS,
} from './stock.js';

const sku = asSku('SKU-1');
const productId = asProductId('prod-1');
const stock = (onHand: number, reserved: number) => ({ productId, sku, onHand, reserved });
const adjust = (onHandDelta: number, reason: string) => ({
  productId,
  sku,
  kind: 'ADJUST',
  onHandDelta,
  reservedDelta: 0,
  reason,
});

describe('planStockMoves', () => {
  const lines = [
    { productId: asProductId('p-b'), sku: asSku('B'), quantity: 2 },
    { productId: asProductId('p-a'), sku: asSku('A'), quantity: 5 },
  ];

  it('reserves each line, in lock order, holding its units', () => {
    expect(planStockMoves('RESERVE', lines, 'reserved for order')).toEqual([
      {
        productId: 'p-a',
        sku: 'A',
        kind: 'RESERVE',
        onHandDelta: 0,
        reservedDelta: 5,
        reason: 'reserved for order',
      },
      {
        productId: 'p-b',
        sku: 'B',
        kind: 'RESERVE',
        onHandDelta: 0,
        reservedDelta: 2,
        reason: 'reserved for order',
      },
    ]);
  });

  it('commits units off the shelf and out of the reservation', () => {
    const [first] = planStockMoves('COMMIT', lines, 'order confirmed');
    expect(first).toMatchObject({ kind: 'COMMIT', onHandDelta: -5, reservedDelta: -5 });
  });

  it('releases units back to available without touching on-hand', () => {
    const [first] = planStockMoves('RELEASE', lines, 'expired');
    expect(first).toMatchObject({ kind: 'RELEASE', onHandDelta: 0, reservedDelta: -5 });
  });

  it.each([0, -1, 1.5])('refuses to plan a move of %d units (core validated the lines)', (q) => {
    expect(() => planStockMoves('RESERVE', [{ productId, sku, quantity: q }], 'x')).toThrow(
      RangeError,
    );
  });

  it('keeps a valid level valid through a reservation and then its commit or release', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom('COMMIT' as const, 'RELEASE' as const),
        (onHand, quantity, settle) => {
          fc.pre(quantity <= onHand);
          let level = { onHand, reserved: 0 };
          for (const kind of ['RESERVE' as const, settle]) {
            const [move] = planStockMoves(kind, [{ productId, sku, quantity }], 'x');
            if (move === undefined) throw new Error('no move');
            level = {
              onHand: level.onHand + move.onHandDelta,
              reserved: level.reserved + move.reservedDelta,
            };
            expect(stockLevelProblem(level)).toBeNull();
          }
          expect(level.reserved).toBe(0);
          expect(level.onHand).toBe(settle === 'COMMIT' ? onHand - quantity : onHand);
        },
      ),
    );
  });
});

describe('stockLevelProblem', () => {
  it('accepts 0 ≤ reserved ≤ on-hand ≤ the column maximum', () => {
    expect(stockLevelProblem({ onHand: 0, reserved: 0 })).toBeNull();
    expect(stockLevelProblem({ onHand: STOCK_LIMITS.maxOnHand, reserved: 7 })).toBeNull();
  });

  it('names what is wrong with a level', () => {
    expect(stockLevelProblem({ onHand: -1, reserved: 0 })).toBe('NOT_A_COUNT');
    expect(stockLevelProblem({ onHand: STOCK_LIMITS.maxOnHand + 1, reserved: 0 })).toBe(
      'NOT_A_COUNT',
    );
    expect(stockLevelProblem({ onHand: 1.5, reserved: 0 })).toBe('NOT_A_COUNT');
    expect(stockLevelProblem({ onHand: 5, reserved: -1 })).toBe('NEGATIVE_RESERVED');
    expect(stockLevelProblem({ onHand: 5, reserved: 6 })).toBe('RESERVED_ABOVE_ON_HAND');
  });
});

describe('adjustStock and setStockOnHand', () => {
  it('moves on-hand by a delta down to exactly the reserved count, with the movement', () => {
    expect(adjustStock(stock(10, 4), 5, 'delivery')).toEqual({
      ok: true,
      value: { onHand: 15, move: adjust(5, 'delivery') },
    });
    expect(adjustStock(stock(10, 4), -6, 'damaged')).toEqual({
      ok: true,
      value: { onHand: 4, move: adjust(-6, 'damaged') },
    });
  });

  it('never goes below what is reserved', () => {
    expect(adjustStock(stock(10, 4), -7, 'x')).toEqual({
      ok: false,
      error: { code: 'INVENTORY.BELOW_RESERVED', sku, onHand: 10, reserved: 4, requestedOnHand: 3 },
    });
    expect(adjustStock(stock(10, 0), -11, 'x').ok).toBe(false);
  });

  it('refuses a zero or fractional delta, and one past the column maximum', () => {
    for (const delta of [0, 0.5]) {
      expect(adjustStock(stock(10, 0), delta, 'x')).toEqual({
        ok: false,
        error: { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity: delta },
      });
    }
    expect(adjustStock(stock(STOCK_LIMITS.maxOnHand, 0), 1, 'x').ok).toBe(false);
  });

  it('sets an absolute count, never negative nor below reserved, recording the difference', () => {
    expect(setStockOnHand(stock(10, 4), 4)).toEqual({
      ok: true,
      value: { onHand: 4, move: adjust(-6, 'set by admin') },
    });
    expect(setStockOnHand(stock(10, 4), 10)).toEqual({
      ok: true,
      value: { onHand: 10, move: null },
    });
    expect(setStockOnHand(stock(10, 4), 3).ok).toBe(false);
    expect(setStockOnHand(stock(0, 0), -1)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity: -1 },
    });
  });

  it('keeps on-hand ≥ reserved ≥ 0 through any sequence of adjustments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 40 }),
        (start, reserved, deltas) => {
          fc.pre(reserved <= start);
          let s = stock(start, reserved);
          for (const delta of deltas) {
            const next = adjustStock(s, delta, 'x');
            if (next.ok) s = { ...s, onHand: next.value.onHand };
            expect(stockLevelProblem(s)).toBeNull();
            expect(availableStock(s)).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});

describe('sortByLockOrder', () => {
  it('orders lines by product id, whatever order they came in, without mutating the input', () => {
    const lines = ['p-c', 'p-a', 'P-b', 'p-b'].map((id) => ({ productId: asProductId(id) }));
    const sorted = sortByLockOrder(lines).map((l) => l.productId);
    expect(sorted).toEqual(['P-b', 'p-a', 'p-b', 'p-c']);
    expect(lines.map((l) => l.productId)).toEqual(['p-c', 'p-a', 'P-b', 'p-b']);
  });

  it('gives the same order for any permutation of the same lines', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 20 }), (ids) => {
        const lines = ids.map((id) => ({ productId: asProductId(id) }));
        const reversed = [...lines].reverse();
        expect(sortByLockOrder(lines)).toEqual(sortByLockOrder(reversed));
      }),
    );
  });
});
