import type { DomainError, Result } from '@orders/core';
import {
  retryTransient,
  runInTransaction,
  upsertProduct,
  type Database,
  type ProductRecord,
} from '@orders/db';

export interface UpsertInventoryInput {
  readonly adminId: string;
  readonly sku: string;
  readonly name?: string | undefined;
  readonly priceCents?: number | undefined;
  readonly onHand: number;
}

/**
 * Admin: creates a product (name and price required) or sets its on-hand count — never below
 * what is reserved — and optionally its name and price, with the stock movement, in one
 * transaction.
 */
export async function upsertInventory(
  deps: { db: Database; now: Date },
  input: UpsertInventoryInput,
): Promise<Result<ProductRecord, DomainError>> {
  const { adminId, ...change } = input;
  return retryTransient(() =>
    runInTransaction(deps.db, (tx) =>
      upsertProduct(tx, { ...change, actor: `user:${adminId}`, at: deps.now }),
    ),
  );
}
