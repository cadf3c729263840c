import { randomUUID } from 'node:crypto';
import { DEFAULT_CURRENCY, type Currency } from '@orders/core';
import type { Sql } from '../database.js';
import { recordAdjustment } from '../inventory/stock-movements.js';
import { mapProductRows, type ProductRecord } from './product.mapper.js';

/** Who changed the stock, and when (written to `stock_movements`). */
export interface StockChangeBy {
  readonly actor: string;
  readonly at: Date;
}

export interface NewProduct extends StockChangeBy {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency?: Currency;
  readonly onHand: number;
}

/** The whole catalogue in SKU order. */
export async function listProducts(db: Sql): Promise<ProductRecord[]> {
  return mapProductRows(await db.execute('select * from products order by sku'));
}

/** The product with this SKU, or null. */
export async function findProductBySku(db: Sql, sku: string): Promise<ProductRecord | null> {
  const rows = await db.execute('select * from products where sku = ?', [sku]);
  return mapProductRows(rows)[0] ?? null;
}

/** The products among `skus` that exist (an order's catalogue snapshot), in SKU order. */
export async function findProductsBySkus(
  db: Sql,
  skus: readonly string[],
): Promise<ProductRecord[]> {
  if (skus.length === 0) return [];
  const rows = await db.execute('select * from products where sku = any(?) order by sku', [skus]);
  return mapProductRows(rows);
}

/** How many products exist (the dev seed fills an empty catalogue only). */
export async function countProducts(db: Sql): Promise<number> {
  const rows = await db.execute<{ n: number }[]>('select count(*)::int as n from products');
  return rows[0]?.n ?? 0;
}

/**
 * Inserts a product and its opening stock movement; null when the SKU already exists (decided
 * by the unique constraint, so two concurrent creations cannot both insert).
 */
export async function createProduct(db: Sql, product: NewProduct): Promise<ProductRecord | null> {
  const rows = await db.execute(
    `insert into products (id, sku, name, price_cents, currency, on_hand, reserved, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, 0, ?, ?)
     on conflict (sku) do nothing
     returning *`,
    [
      randomUUID(),
      product.sku,
      product.name,
      product.priceCents,
      product.currency ?? DEFAULT_CURRENCY,
      product.onHand,
      product.at,
      product.at,
    ],
  );
  const created = mapProductRows(rows)[0];
  if (created === undefined) return null;
  await recordAdjustment(db, created.productId, product.onHand, 'created', product);
  return created;
}

/** The product with this SKU, locked until the transaction ends; null when there is none. */
export async function lockProduct(db: Sql, sku: string): Promise<ProductRecord | null> {
  const rows = await db.execute('select * from products where sku = ? for update', [sku]);
  return mapProductRows(rows)[0] ?? null;
}
