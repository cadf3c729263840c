import { asProductId, asSku, type CatalogueItem } from '@orders/core';
import { describe, expect, it } from 'vitest';
import { createCatalogueMemory } from './catalogue-memory.js';

const item = (n: number): CatalogueItem => ({
  productId: asProductId(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`),
  sku: asSku(`SKU-${n}`),
  name: `Product ${n}`,
  priceCents: 100 + n,
  currency: 'USD',
});

describe('createCatalogueMemory', () => {
  it('recalls every SKU asked for, or nothing unless all are remembered', () => {
    const memory = createCatalogueMemory();
    memory.remember([item(1), item(2)]);
    expect(memory.recall(['SKU-2', 'SKU-1'])).toEqual([item(2), item(1)]);
    expect(memory.recall(['SKU-1', 'SKU-3'])).toBeUndefined();
  });

  it('keeps only what pricing reads, not the stock levels of a product record', () => {
    const memory = createCatalogueMemory();
    memory.remember([{ ...item(1), onHand: 5, reserved: 2 } as CatalogueItem]);
    expect(memory.recall(['SKU-1'])).toEqual([item(1)]);
  });

  it('forgets SKUs, and a later read replaces what it remembered', () => {
    const memory = createCatalogueMemory();
    memory.remember([item(1), item(2)]);
    memory.forget(['SKU-1']);
    expect(memory.recall(['SKU-1'])).toBeUndefined();
    memory.remember([{ ...item(2), priceCents: 999 }]);
    expect(memory.recall(['SKU-2'])).toEqual([{ ...item(2), priceCents: 999 }]);
  });

  it('starts over rather than growing past its bound', () => {
    const memory = createCatalogueMemory(3);
    memory.remember([item(1), item(2), item(3)]);
    memory.remember([item(4)]);
    expect(memory.recall(['SKU-1'])).toBeUndefined();
    expect(memory.recall(['SKU-4'])).toEqual([item(4)]);
  });
});
