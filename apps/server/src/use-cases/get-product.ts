import { asSku, domainError, err, ok, type DomainError, type Result } from '@orders/core';
import { findProductBySku, type Database, type ProductRecord } from '@orders/db';

/** One product by SKU, or INVENTORY.PRODUCT_NOT_FOUND. */
export async function getProduct(
  deps: { db: Database },
  sku: string,
): Promise<Result<ProductRecord, DomainError>> {
  const product = await findProductBySku(deps.db, sku);
  return product
    ? ok(product)
    : err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku: asSku(sku) }));
}
