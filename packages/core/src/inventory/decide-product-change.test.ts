import { describe, expect, it } from 'vitest';
import { asProductId, asSku } from '../shared/ids.js';
import { decideAdjustment, decideUpsert, type Product } from './decide-product-change.js';
import { STOCK_LIMITS } from './stock.js';

const sku = asSku('MUG-01');
const newId = asProductId('p-new');
const mug: Product = {
  productId: asProductId('p-1'),
  sku,
  name: 'Mug',
  priceCents: 1250,
  currency: 'USD',
  onHand: 10,
  reserved: 4,
};

describe('decideUpsert', () => {
  it('creates a new product with its opening stock movement', () => {
    expect(decideUpsert(null, { sku, name: 'Mug', priceCents: 900, onHand: 5 }, newId)).toEqual({
      ok: true,
      value: {
        kind: 'create',
        product: {
          productId: newId,
          sku,
          name: 'Mug',
          priceCents: 900,
          currency: 'USD',
          onHand: 5,
          reserved: 0,
        },
        move: {
          productId: newId,
          sku,
          kind: 'ADJUST',
          onHandDelta: 5,
          reservedDelta: 0,
          reason: 'created',
        },
      },
    });
  });

  it('creates an empty product with no movement to explain', () => {
    const plan = decideUpsert(null, { sku, name: 'Mug', priceCents: 900, onHand: 0 }, newId);
    expect(plan.ok && plan.value.move).toBeNull();
  });

  it('refuses to create a product without a name and a price', () => {
    expect(decideUpsert(null, { sku, name: 'Mug', onHand: 5 }, newId)).toEqual({
      ok: false,
      error: { code: 'INVENTORY.PRODUCT_NOT_FOUND', sku },
    });
  });

  it('sets an existing product’s count, name and price, recording the difference', () => {
    expect(decideUpsert(mug, { sku, name: 'Big mug', onHand: 7 }, newId)).toEqual({
      ok: true,
      value: {
        kind: 'update',
        productId: mug.productId,
        onHand: 7,
        name: 'Big mug',
        priceCents: undefined,
        move: {
          productId: mug.productId,
          sku,
          kind: 'ADJUST',
          onHandDelta: -3,
          reservedDelta: 0,
          reason: 'set by admin',
        },
      },
    });
  });

  it('never sets a count below what is reserved, nor one that is not a count', () => {
    expect(decideUpsert(mug, { sku, onHand: 3 }, newId)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.BELOW_RESERVED', reserved: 4, requestedOnHand: 3 },
    });
    for (const onHand of [-1, 0.5, STOCK_LIMITS.maxOnHand + 1]) {
      expect(decideUpsert(null, { sku, name: 'x', priceCents: 1, onHand }, newId)).toEqual({
        ok: false,
        error: { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity: onHand },
      });
    }
  });
});

describe('decideAdjustment', () => {
  it('moves the count by the delta, with the reason given', () => {
    expect(decideAdjustment(mug, { sku, delta: 5, reason: 'delivery' })).toEqual({
      ok: true,
      value: {
        productId: mug.productId,
        onHand: 15,
        move: {
          productId: mug.productId,
          sku,
          kind: 'ADJUST',
          onHandDelta: 5,
          reservedDelta: 0,
          reason: 'delivery',
        },
      },
    });
  });

  it('refuses a product that does not exist and a count below reserved', () => {
    expect(decideAdjustment(null, { sku, delta: 1, reason: 'x' })).toEqual({
      ok: false,
      error: { code: 'INVENTORY.PRODUCT_NOT_FOUND', sku },
    });
    expect(decideAdjustment(mug, { sku, delta: -7, reason: 'x' }).ok).toBe(false);
  });
});
