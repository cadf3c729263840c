import type { DomainError, Result } from '@orders/core';
import {
  adjustProductStock,
  retryTransient,
  runInTransaction,
  type Database,
  type ProductRecord,
} from '@orders/db';

export interface AdjustInventoryInput {
  readonly adminId: string;
  readonly sku: string;
  /** Non-zero; the result never goes below what is reserved. */
  readonly delta: number;
  readonly reason: string;
}

/** Admin: changes a product's on-hand count by `delta`, with the stock movement. */
export async function adjustInventory(
  deps: { db: Database; now: Date },
  input: AdjustInventoryInput,
): Promise<Result<ProductRecord, DomainError>> {
  const { adminId, sku, delta, reason } = input;
  return retryTransient(() =>
    runInTransaction(deps.db, (tx) =>
      adjustProductStock(tx, { sku, delta, reason, actor: `user:${adminId}`, at: deps.now }),
    ),
  );
}
