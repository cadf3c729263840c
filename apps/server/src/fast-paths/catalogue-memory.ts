import type { CatalogueItem } from '@orders/core';

/**
 * The catalogue memory (`CATALOGUE_MEMORY`, on by default), a fast path of `orders.create`: the
 * products this instance has read, by SKU. An order without an idempotency key whose products are
 * all remembered is priced from memory, so placing it takes one round trip instead of reading the
 * catalogue first. Memory is a hint, never the truth: each reservation of such an order holds only
 * while its product still has the remembered name, price and currency
 * (`reservationsAsPricedStatements`), so a product changed since — by any instance — is refused as
 * `repriced`, and the order is placed again from a fresh read. Bounded: past `maxEntries` it
 * starts over.
 */
export interface CatalogueMemory {
  /** Every SKU's remembered product, or `undefined` unless all of them are remembered. */
  recall(skus: readonly string[]): CatalogueItem[] | undefined;
  remember(items: readonly CatalogueItem[]): void;
  forget(skus: readonly string[]): void;
}

export function createCatalogueMemory(maxEntries = 10_000): CatalogueMemory {
  const bySku = new Map<string, CatalogueItem>();
  return {
    recall(skus) {
      const items: CatalogueItem[] = [];
      for (const sku of skus) {
        const item = bySku.get(sku);
        if (item === undefined) return undefined;
        items.push(item);
      }
      return items;
    },
    remember(items) {
      if (bySku.size + items.length > maxEntries) bySku.clear();
      for (const { productId, sku, name, priceCents, currency } of items) {
        // Only what pricing reads: a product record's stock levels would be stale at once.
        bySku.set(sku, { productId, sku, name, priceCents, currency });
      }
    },
    forget(skus) {
      for (const sku of skus) bySku.delete(sku);
    },
  };
}
