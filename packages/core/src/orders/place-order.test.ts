import { describe, expect, it } from 'vitest';
import { asOrderId, asProductId, asSku, asUserId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { aCatalogueItem, T0 } from '../testing/builders.js';
import { placeOrder } from './place-order.js';

const base = {
  id: asOrderId('o-9'),
  userId: asUserId('u-9'),
  catalogue: [aCatalogueItem({ sku: asSku('A'), priceCents: 500 })],
  now: T0,
};

describe('placeOrder', () => {
  it('creates a priced PENDING order that expires after the TTL', () => {
    const result = placeOrder({ ...base, lines: [{ sku: asSku('A'), quantity: 4 }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.order).toMatchObject({
      id: 'o-9',
      userId: 'u-9',
      status: 'PENDING',
      total: money(2000),
      createdAt: T0,
      expiresAt: T0 + 15 * 60 * 1000,
    });
    expect(result.value.order.lines).toHaveLength(1);
  });

  it('plans the reservation of every line, in lock order', () => {
    const catalogue = [
      aCatalogueItem({ sku: asSku('A'), productId: asProductId('p-2') }),
      aCatalogueItem({ sku: asSku('B'), productId: asProductId('p-1') }),
    ];
    const lines = [
      { sku: asSku('A'), quantity: 3 },
      { sku: asSku('B'), quantity: 1 },
    ];
    const result = placeOrder({ ...base, catalogue, lines });
    expect(result.ok && result.value.reservations).toEqual([
      {
        productId: 'p-1',
        sku: 'B',
        kind: 'RESERVE',
        onHandDelta: 0,
        reservedDelta: 1,
        reason: 'reserved for order',
      },
      {
        productId: 'p-2',
        sku: 'A',
        kind: 'RESERVE',
        onHandDelta: 0,
        reservedDelta: 3,
        reason: 'reserved for order',
      },
    ]);
  });

  it('honours a configured TTL', () => {
    const result = placeOrder({
      ...base,
      lines: [{ sku: asSku('A'), quantity: 1 }],
      ttlMs: 60_000,
    });
    expect(result.ok && result.value.order.expiresAt).toBe(T0 + 60_000);
  });

  it('returns the pricing error unchanged', () => {
    expect(placeOrder({ ...base, lines: [{ sku: asSku('B'), quantity: 1 }] })).toEqual({
      ok: false,
      error: { code: 'ORDER.UNKNOWN_SKU', sku: 'B' },
    });
  });
});
