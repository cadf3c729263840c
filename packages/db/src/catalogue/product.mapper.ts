import {
  asProductId,
  asSku,
  CURRENCIES,
  type CatalogueItem,
  type Currency,
  type ProductStock,
} from '@orders/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProductSchema, type ProductEntity } from './product.entity.js';

/** A product as the rest of the system sees it: a catalogue item with its stock. */
export interface ProductRecord extends CatalogueItem, ProductStock {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function toProductRecord(entity: ProductEntity): ProductRecord {
  return {
    productId: asProductId(entity.id),
    sku: asSku(entity.sku),
    name: entity.name,
    priceCents: entity.priceCents,
    currency: knownCurrency(entity.currency),
    onHand: entity.onHand,
    reserved: entity.reserved,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

/** Maps `select *` / `returning *` rows through the entity metadata (bigint, timestamptz). */
export function mapProductRows(em: EntityManager, rows: readonly object[]): ProductRecord[] {
  return rows.map((row) => toProductRecord(em.map(ProductSchema, row)));
}

function knownCurrency(value: string): Currency {
  const currency = CURRENCIES.find((c) => c === value);
  // The products_currency_known CHECK makes this unreachable; a miss means schema drift.
  if (currency === undefined) throw new TypeError(`unknown currency in products: ${value}`);
  return currency;
}
