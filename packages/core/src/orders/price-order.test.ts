import { describe, expect, it } from 'vitest';
import { asSku } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { aCatalogueItem } from '../testing/builders.js';
import type { OrderLineRequest } from './order.js';
import { priceOrder, validateOrderLines } from './price-order.js';

const A = asSku('A');
const B = asSku('B');
const catalogue = [
  aCatalogueItem({ sku: A, name: 'Apple', priceCents: 199 }),
  aCatalogueItem({ sku: B, name: 'Bread', priceCents: 349 }),
];
const line = (sku: string, quantity: number): OrderLineRequest => ({ sku: asSku(sku), quantity });
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(`S${i}`, 1));

describe('validateOrderLines', () => {
  it('accepts 1 and 50 lines, refuses 0 and 51', () => {
    expect(validateOrderLines(lines(1)).ok).toBe(true);
    expect(validateOrderLines(lines(50)).ok).toBe(true);
    expect(validateOrderLines([])).toEqual({
      ok: false,
      error: { code: 'ORDER.INVALID_LINES', reason: 'EMPTY', count: 0, min: 1, max: 50 },
    });
    expect(validateOrderLines(lines(51))).toEqual({
      ok: false,
      error: { code: 'ORDER.INVALID_LINES', reason: 'TOO_MANY', count: 51, min: 1, max: 50 },
    });
  });

  it.each([1, 1000])('accepts quantity %d', (quantity) => {
    expect(validateOrderLines([line('A', quantity)]).ok).toBe(true);
  });

  it.each([0, 1001, -1, 1.5, Number.NaN])('refuses quantity %d, naming the SKU', (quantity) => {
    expect(validateOrderLines([line('A', 1), line('B', quantity)])).toEqual({
      ok: false,
      error: { code: 'ORDER.INVALID_QUANTITY', sku: 'B', quantity, min: 1, max: 1000 },
    });
  });

  it('refuses a SKU on two lines rather than merging them', () => {
    expect(validateOrderLines([line('A', 1), line('B', 1), line('A', 2)])).toEqual({
      ok: false,
      error: { code: 'ORDER.DUPLICATE_SKU', sku: 'A' },
    });
  });
});

describe('priceOrder', () => {
  it('prices every line from the catalogue, in request order, and totals them', () => {
    const result = priceOrder([line('B', 2), line('A', 3)], catalogue);
    expect(result).toEqual({
      ok: true,
      value: {
        lines: [
          {
            productId: 'prod-B',
            sku: 'B',
            name: 'Bread',
            quantity: 2,
            unitPriceCents: 349,
            lineTotalCents: 698,
          },
          {
            productId: 'prod-A',
            sku: 'A',
            name: 'Apple',
            quantity: 3,
            unitPriceCents: 199,
            lineTotalCents: 597,
          },
        ],
        total: money(1295),
      },
    });
  });

  it('refuses an unknown SKU', () => {
    expect(priceOrder([line('A', 1), line('Z', 1)], catalogue)).toEqual({
      ok: false,
      error: { code: 'ORDER.UNKNOWN_SKU', sku: 'Z' },
    });
  });

  it('validates the lines before looking anything up', () => {
    const result = priceOrder([line('Z', 0)], catalogue);
    expect(!result.ok && result.error.code).toBe('ORDER.INVALID_QUANTITY');
  });

  it('refuses lines priced in different currencies', () => {
    const mixed = [aCatalogueItem({ sku: A }), aCatalogueItem({ sku: B, currency: 'EUR' })];
    expect(priceOrder([line('A', 1), line('B', 1)], mixed)).toEqual({
      ok: false,
      error: { code: 'ORDER.CURRENCY_MISMATCH', sku: 'B', expected: 'USD', actual: 'EUR' },
    });
  });

  it('refuses a line or a total beyond the safe-integer range', () => {
    const maxUnit = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
    const fits = [aCatalogueItem({ sku: A, priceCents: maxUnit })];
    const tooBig = [aCatalogueItem({ sku: A, priceCents: maxUnit + 1 })];
    const twoBig = [...fits, aCatalogueItem({ sku: B, priceCents: maxUnit })];
    expect(priceOrder([line('A', 1000)], fits).ok).toBe(true);
    expect(priceOrder([line('A', 1000)], tooBig)).toEqual({
      ok: false,
      error: { code: 'ORDER.AMOUNT_TOO_LARGE', sku: 'A' },
    });
    expect(priceOrder([line('A', 1000), line('B', 1000)], twoBig)).toEqual({
      ok: false,
      error: { code: 'ORDER.AMOUNT_TOO_LARGE', sku: 'B' },
    });
  });

  it('treats a negative catalogue price as corrupt data', () => {
    expect(() => priceOrder([line('A', 1)], [aCatalogueItem({ sku: A, priceCents: -1 })])).toThrow(
      RangeError,
    );
  });
});
