import { ok, type DomainError, type Result } from '@orders/core';
import { listProducts, type Database, type ProductRecord } from '@orders/db';

/** The catalogue with prices and stock, in SKU order (public). */
export async function listCatalogue(deps: {
  db: Database;
}): Promise<Result<ProductRecord[], DomainError>> {
  return ok(await listProducts(deps.db));
}
