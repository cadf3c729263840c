import { asSku, domainError, err, ok, type DomainError, type Result } from '@orders/core';
import { findCatalogueProduct, type EntityManager, type ProductRecord } from '@orders/db';

/** One product by SKU, or INVENTORY.PRODUCT_NOT_FOUND. */
export async function getProduct(
  deps: { em: () => EntityManager },
  sku: string,
): Promise<Result<ProductRecord, DomainError>> {
  const product = await findCatalogueProduct(deps.em(), sku);
  return product
    ? ok(product)
    : err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku: asSku(sku) }));
}
