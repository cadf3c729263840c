import { CURRENCIES } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';

/**
 * `products`: the catalogue and its stock. Stock columns change only through conditional UPDATEs
 * in the repositories (never through a flushed entity), so every check happens in the database.
 */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: (p) => ({
    id: p.uuid().primary(),
    sku: p.text().unique('products_sku_unique'),
    name: p.text(),
    priceCents: p.bigint('number'),
    currency: p.enum([...CURRENCIES]).default('USD'),
    onHand: p.integer(),
    reserved: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
  checks: [
    { name: 'products_sku_format', expression: "sku ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'" },
    { name: 'products_name_length', expression: 'length(name) >= 1 and length(name) <= 200' },
    {
      name: 'products_price_range',
      expression: 'price_cents >= 0 and price_cents <= 100000000',
    },
    { name: 'products_on_hand_nonnegative', expression: 'on_hand >= 0' },
    { name: 'products_reserved_nonnegative', expression: 'reserved >= 0' },
    { name: 'products_reserved_within_on_hand', expression: 'reserved <= on_hand' },
  ],
});
