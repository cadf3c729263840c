import type { Product, StockMove, UpsertPlan } from '@orders/core';
import type { Sql } from '../database.js';
import { guarded, statement, type Statement } from '../statement.js';
import { movementStatement, type MoveContext } from '../inventory/stock-moves.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductSchema } from './product.entity.js';
import { entityToProductRecord, mapProductRows, type ProductRecord } from './product.mapper.js';

/** A product the plan would create already exists: another admin created it meanwhile. */
export interface ProductExists {
  readonly kind: 'exists';
}

/** The whole catalogue in SKU order: a listing read, through the ORM. */
export async function listCatalogue(em: EntityManager): Promise<ProductRecord[]> {
  const products = await em.find(ProductSchema, {}, { orderBy: { sku: 'asc' } });
  return products.map(entityToProductRecord);
}

/** One product of the catalogue by SKU, or null: a listing read, through the ORM. */
export async function findCatalogueProduct(
  em: EntityManager,
  sku: string,
): Promise<ProductRecord | null> {
  const product = await em.findOne(ProductSchema, { sku });
  return product === null ? null : entityToProductRecord(product);
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

/** The product with this SKU, locked until the transaction ends; null when there is none. */
export async function lockProduct(db: Sql, sku: string): Promise<ProductRecord | null> {
  const rows = await db.execute('select * from products where sku = ? for update', [sku]);
  return mapProductRows(rows)[0] ?? null;
}

/**
 * The statements of an admin's upsert (core's `decideUpsert`), decided on the row locked for it.
 * A product to create is inserted unless its SKU exists — the unique key decides, so two admins
 * creating it at once cannot both insert: the second is refused (`exists`) and decides again on
 * the row the first created.
 */
export function upsertStatements(
  plan: UpsertPlan,
  context: MoveContext,
): Statement<ProductExists>[] {
  const moves = plan.move === null ? [] : [movementStatement(plan.move, context)];
  if (plan.kind === 'create') return [insertProductStatement(plan.product, context.at), ...moves];
  return [
    statement(
      `with changed as (
         update products
            set on_hand = ?, name = coalesce(?, name), price_cents = coalesce(?, price_cents),
                updated_at = ?
          where id = ? returning 1)
       select orders_assert((select count(*) from changed) = 1, ?)`,
      [
        plan.onHand,
        plan.name ?? null,
        plan.priceCents ?? null,
        context.at,
        plan.productId,
        `product ${plan.productId} vanished under its lock`,
      ],
    ),
    ...moves,
  ];
}

/** An admin's adjustment (core's `decideAdjustment`), applied to the row locked for it. */
export function adjustmentStatements(
  plan: { readonly productId: string; readonly onHand: number; readonly move: StockMove },
  context: MoveContext,
): Statement[] {
  return [
    statement('update products set on_hand = ?, updated_at = ? where id = ?', [
      plan.onHand,
      context.at,
      plan.productId,
    ]),
    movementStatement(plan.move, context),
  ];
}

function insertProductStatement(product: Product, at: Date): Statement<ProductExists> {
  return guarded(
    `with created as (
       insert into products (id, sku, name, price_cents, currency, on_hand, reserved, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 0, ?, ?)
       on conflict (sku) do nothing
       returning 1)
     select orders_assert((select count(*) from created) = 1, ?)`,
    [
      product.productId,
      product.sku,
      product.name,
      product.priceCents,
      product.currency,
      product.onHand,
      at,
      at,
      `product ${product.sku} exists`,
    ],
    { kind: 'exists' },
  );
}
