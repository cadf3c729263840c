import {
  adjustStock,
  asSku,
  domainError,
  err,
  ok,
  setStockOnHand,
  type DomainErrorOf,
  type Result,
} from '@orders/core';
import type { Sql } from '../database.js';
import { recordAdjustment } from '../inventory/stock-movements.js';
import { mapProductRows, type ProductRecord } from './product.mapper.js';
import { createProduct, lockProduct, type StockChangeBy } from './product.repository.js';

export type StockChangeError = DomainErrorOf<
  'INVENTORY.PRODUCT_NOT_FOUND' | 'INVENTORY.BELOW_RESERVED' | 'INVENTORY.INVALID_QUANTITY'
>;

/** `on_hand` is an `integer` column: a larger count would be a driver error, not an answer. */
export const MAX_ON_HAND = 2_147_483_647;

/**
 * The admin's "set stock" (DESIGN §3 `inventory.upsert`): creates the product when it is new
 * (which needs `name` and `priceCents`, else PRODUCT_NOT_FOUND), otherwise sets `on_hand` — never
 * below what is reserved — and, when given, the name and price.
 *
 * The row is locked first: the movement must record the exact difference from the previous
 * count, and the lock makes that difference exact. The rule itself is core's `setStockOnHand`,
 * and the UPDATE repeats it in its WHERE clause.
 */
export async function upsertProduct(
  db: Sql,
  input: StockChangeBy & { sku: string; name?: string; priceCents?: number; onHand: number },
): Promise<Result<ProductRecord, StockChangeError>> {
  const { name, priceCents } = input;
  // Checked before anything is written: a new product's stock is not guarded by a WHERE clause.
  if (!isCount(input.onHand)) return invalidQuantity(input.sku, input.onHand);
  if (name !== undefined && priceCents !== undefined) {
    const created = await createProduct(db, { ...input, name, priceCents });
    if (created) return ok(created);
  }
  const current = await lockProduct(db, input.sku);
  if (!current) return err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku: asSku(input.sku) }));
  const decided = setStockOnHand(current, input.onHand);
  if (!decided.ok) return decided;

  const rows = await db.execute(
    `update products
        set on_hand = ?, name = coalesce(?, name), price_cents = coalesce(?, price_cents), updated_at = ?
      where id = ? and ? >= reserved
      returning *`,
    [input.onHand, name ?? null, priceCents ?? null, input.at, current.productId, input.onHand],
  );
  const updated = mapProductRows(rows)[0];
  if (updated === undefined) throw new Error(`locked product ${input.sku} did not update`);
  await recordAdjustment(
    db,
    updated.productId,
    input.onHand - current.onHand,
    'set by admin',
    input,
  );
  return ok(updated);
}

/**
 * The admin's relative change (`inventory.adjust`): one conditional UPDATE decides, so no
 * concurrent reservation can slip between a check and the write. Only when it refuses is the row
 * locked and read, for core's `adjustStock` to say why (or, if a release freed stock meanwhile,
 * for the change to be applied under the lock).
 */
export async function adjustProductStock(
  db: Sql,
  input: StockChangeBy & { sku: string; delta: number; reason: string },
): Promise<Result<ProductRecord, StockChangeError>> {
  if (input.delta === 0 || !Number.isSafeInteger(input.delta)) {
    return invalidQuantity(input.sku, input.delta);
  }
  const apply = async (): Promise<ProductRecord | undefined> => {
    // The bounds are compared in bigint so that checking an overflow cannot itself overflow.
    const rows = await db.execute(
      `update products set on_hand = on_hand + ?, updated_at = ?
        where sku = ? and on_hand::bigint + ? between reserved and ?
        returning *`,
      [input.delta, input.at, input.sku, input.delta, MAX_ON_HAND],
    );
    return mapProductRows(rows)[0];
  };
  let updated = await apply();
  if (updated === undefined) {
    const sku = asSku(input.sku);
    const current = await lockProduct(db, input.sku);
    if (!current) return err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku }));
    const decided = adjustStock(current, input.delta);
    if (!decided.ok) return decided;
    if (!isCount(decided.value.onHand)) return invalidQuantity(input.sku, input.delta);
    updated = await apply();
    if (updated === undefined) throw new Error(`locked product ${input.sku} did not update`);
  }
  await recordAdjustment(db, updated.productId, input.delta, input.reason, input);
  return ok(updated);
}

/** A stock count the `on_hand` column can hold. */
function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_ON_HAND;
}

function invalidQuantity(sku: string, quantity: number) {
  return err(domainError('INVENTORY.INVALID_QUANTITY', { sku: asSku(sku), quantity }));
}
