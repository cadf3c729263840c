import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asProductId, asSku } from '../shared/ids.js';
import type { Result } from '../shared/result.js';
import {
  adjustStock,
  availableStock,
  commitStock,
  releaseStock,
  reserveStock,
  setStockOnHand,
  sortByLockOrder,
  type ProductStock,
} from './stock.js';

const sku = asSku('SKU-1');
const stock = (onHand: number, reserved: number): ProductStock => ({ sku, onHand, reserved });

describe('reserveStock', () => {
  it('reserves up to what is available', () => {
    expect(reserveStock(stock(10, 3), 7)).toEqual({ ok: true, value: stock(10, 10) });
  });

  it('refuses more than is available, naming the SKU and the numbers', () => {
    expect(reserveStock(stock(10, 3), 8)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INSUFFICIENT_STOCK', sku, requested: 8, available: 7 },
    });
  });

  it.each([0, -1, 1.5])('refuses quantity %d', (quantity) => {
    expect(reserveStock(stock(10, 0), quantity)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity },
    });
  });
});

describe('commitStock and releaseStock', () => {
  it('commit takes reserved units off the shelf', () => {
    expect(commitStock(stock(10, 4), 4)).toEqual({ ok: true, value: stock(6, 0) });
  });

  it('release makes reserved units available again', () => {
    expect(releaseStock(stock(10, 4), 3)).toEqual({ ok: true, value: stock(10, 1) });
  });

  it('refuse to settle more than is reserved', () => {
    const error = { code: 'INVENTORY.RESERVATION_MISMATCH', sku, requested: 5, reserved: 4 };
    expect(commitStock(stock(10, 4), 5)).toEqual({ ok: false, error });
    expect(releaseStock(stock(10, 4), 5)).toEqual({ ok: false, error });
  });

  it('refuse a non-positive quantity', () => {
    expect(commitStock(stock(10, 4), 0).ok).toBe(false);
    expect(releaseStock(stock(10, 4), -2).ok).toBe(false);
  });
});

describe('adjustStock and setStockOnHand', () => {
  it('moves on-hand by a delta down to exactly the reserved count', () => {
    expect(adjustStock(stock(10, 4), 5)).toEqual({ ok: true, value: stock(15, 4) });
    expect(adjustStock(stock(10, 4), -6)).toEqual({ ok: true, value: stock(4, 4) });
  });

  it('never goes below what is reserved', () => {
    expect(adjustStock(stock(10, 4), -7)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.BELOW_RESERVED', sku, onHand: 10, reserved: 4, requestedOnHand: 3 },
    });
    expect(adjustStock(stock(10, 0), -11).ok).toBe(false);
  });

  it('refuses a zero or fractional delta', () => {
    expect(adjustStock(stock(10, 0), 0).ok).toBe(false);
    expect(adjustStock(stock(10, 0), 0.5).ok).toBe(false);
  });

  it('sets an absolute count, never negative nor below reserved', () => {
    expect(setStockOnHand(stock(10, 4), 4)).toEqual({ ok: true, value: stock(4, 4) });
    expect(setStockOnHand(stock(10, 4), 3).ok).toBe(false);
    expect(setStockOnHand(stock(0, 0), -1)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity: -1 },
    });
  });
});

describe('stock invariants', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('reserve' as const), n: fc.integer({ min: -2, max: 20 }) }),
    fc.record({ kind: fc.constant('commit' as const), n: fc.integer({ min: -2, max: 20 }) }),
    fc.record({ kind: fc.constant('release' as const), n: fc.integer({ min: -2, max: 20 }) }),
    fc.record({ kind: fc.constant('adjust' as const), n: fc.integer({ min: -30, max: 30 }) }),
  );
  const apply = (
    s: ProductStock,
    { kind, n }: { kind: string; n: number },
  ): Result<ProductStock, unknown> => {
    if (kind === 'reserve') return reserveStock(s, n);
    if (kind === 'commit') return commitStock(s, n);
    if (kind === 'release') return releaseStock(s, n);
    return adjustStock(s, n);
  };

  it('keeps onHand ≥ reserved ≥ 0 through any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(op, { maxLength: 40 }),
        (start, ops) => {
          let s = stock(start, 0);
          for (const o of ops) {
            const next = apply(s, o);
            if (next.ok) s = next.value;
            expect(s.reserved).toBeGreaterThanOrEqual(0);
            expect(s.onHand).toBeGreaterThanOrEqual(s.reserved);
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
