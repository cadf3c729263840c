import type { Currency } from '@orders/core';
import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * `products`: the catalogue and its stock. Stock columns change only through conditional UPDATEs
 * in the repositories (never through a flushed entity), so every check happens in the database.
 */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: (p) => ({
    id: p.uuid().primary(),
    sku: p.string().unique(),
    name: p.string(),
    priceCents: p.bigint('number'),
    currency: p.string().$type<Currency>(),
    onHand: p.integer(),
    reserved: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

export type ProductEntity = InferEntity<typeof ProductSchema>;
