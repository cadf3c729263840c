import {
  asProductId,
  asSku,
  CURRENCIES,
  type CatalogueItem,
  type Currency,
  type ProductStock,
} from '@orders/core';
import type { InferEntity } from '@mikro-orm/core';
import { epoch, type DbTime } from '../sql-values.js';
import type { ProductSchema } from './product.entity.js';

/** A product as the rest of the system sees it: a catalogue item with its stock. */
export interface ProductRecord extends CatalogueItem, ProductStock {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A `products` row as `select *` / `returning *` gives it. */
interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price_cents: string | number;
  currency: string;
  on_hand: number;
  reserved: number;
  created_at: DbTime;
  updated_at: DbTime;
}

/** A product entity, as the ORM's catalogue reads load it. */
export function entityToProductRecord(entity: InferEntity<typeof ProductSchema>): ProductRecord {
  return {
    productId: asProductId(entity.id),
    sku: asSku(entity.sku),
    name: entity.name,
    priceCents: entity.priceCents,
    currency: entity.currency,
    onHand: entity.onHand,
    reserved: entity.reserved,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export function toProductRecord(row: ProductRow): ProductRecord {
  return {
    productId: asProductId(row.id),
    sku: asSku(row.sku),
    name: row.name,
    priceCents: Number(row.price_cents),
    currency: knownCurrency(row.currency),
    onHand: row.on_hand,
    reserved: row.reserved,
    createdAt: new Date(epoch(row.created_at)),
    updatedAt: new Date(epoch(row.updated_at)),
  };
}

/** Maps `select *` / `returning *` rows of `products` (bigint as text, timestamptz as text). */
export function mapProductRows(rows: readonly object[]): ProductRecord[] {
  return (rows as ProductRow[]).map(toProductRecord);
}

function knownCurrency(value: string): Currency {
  const currency = CURRENCIES.find((c) => c === value);
  // The products_currency_known CHECK makes this unreachable; a miss means schema drift.
  if (currency === undefined) throw new TypeError(`unknown currency in products: ${value}`);
  return currency;
}
