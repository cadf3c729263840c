import { STOCK_MOVEMENT_KINDS } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';
import { ProductSchema } from '../catalogue/product.entity.js';
import { OrderSchema } from '../orders/order.entity.js';

/**
 * `stock_movements`: every change to a product's `on_hand` or `reserved`, append-only. The sum of
 * a product's deltas equals its current stock (see `findStockDrift`).
 */
export const StockMovementSchema = defineEntity({
  name: 'StockMovement',
  tableName: 'stock_movements',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    productId: p
      .manyToOne(ProductSchema)
      .mapToPk()
      .joinColumn('product_id')
      .updateRule('no action'),
    kind: p.enum([...STOCK_MOVEMENT_KINDS]),
    onHandDelta: p.integer(),
    reservedDelta: p.integer(),
    orderId: p
      .manyToOne(OrderSchema)
      .mapToPk()
      .joinColumn('order_id')
      .updateRule('no action')
      .nullable()
      .deleteRule('no action'),
    reason: p.text(),
    actor: p.text(),
    at: p.datetime(),
  }),
  indexes: [{ name: 'stock_movements_product', properties: ['productId'] }],
});
