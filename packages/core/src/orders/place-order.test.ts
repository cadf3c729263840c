import { describe, expect, it } from 'vitest';
import { asOrderId, asSku, asUserId } from '../shared/ids.js';
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
    expect(result.value).toMatchObject({
      id: 'o-9',
      userId: 'u-9',
      status: 'PENDING',
      total: money(2000),
      createdAt: T0,
      expiresAt: T0 + 15 * 60 * 1000,
    });
    expect(result.value.lines).toHaveLength(1);
  });

  it('honours a configured TTL', () => {
    const result = placeOrder({
      ...base,
      lines: [{ sku: asSku('A'), quantity: 1 }],
      ttlMs: 60_000,
    });
    expect(result.ok && result.value.expiresAt).toBe(T0 + 60_000);
  });

  it('returns the pricing error unchanged', () => {
    expect(placeOrder({ ...base, lines: [{ sku: asSku('B'), quantity: 1 }] })).toEqual({
      ok: false,
      error: { code: 'ORDER.UNKNOWN_SKU', sku: 'B' },
    });
  });
});
