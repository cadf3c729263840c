import { ok, type DomainError, type Result } from '@orders/core';
import { listCatalogue as readCatalogue, type EntityManager, type ProductRecord } from '@orders/db';

/** The catalogue with prices and stock, in SKU order (public). */
export async function listCatalogue(deps: {
  em: () => EntityManager;
}): Promise<Result<ProductRecord[], DomainError>> {
  return ok(await readCatalogue(deps.em()));
}
