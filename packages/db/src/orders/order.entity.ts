import { ORDER_STATUSES, type Currency, type OrderStatus } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';
import { ProductSchema } from '../catalogue/product.entity.js';
import { UserSchema } from '../users/user.entity.js';

/**
 * `orders`, `order_lines` and `order_events`. Rows are written with plain SQL by the order
 * repository (conditional status updates, `for update` locks), so these schemas describe the
 * tables; they are never flushed.
 */
export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: (p) => ({
    id: p.uuid().primary(),
    userId: p.manyToOne(UserSchema).mapToPk().joinColumn('user_id').updateRule('no action'),
    status: p.enum([...ORDER_STATUSES]),
    currency: p.text().$type<Currency>(),
    totalCents: p.bigint('number'),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
  indexes: [
    {
      // Written out: the listing pages newest first, and a column list cannot say `desc`.
      name: 'orders_user_created',
      expression:
        'create index "orders_user_created" on "orders" ("user_id", "created_at" desc, "id" desc)',
    },
    {
      name: 'orders_pending_expiry',
      expression:
        'create index "orders_pending_expiry" on "orders" ("expires_at") where status = \'PENDING\'',
    },
  ],
  checks: [{ name: 'orders_total_nonnegative', expression: 'total_cents >= 0' }],
});

/** One priced line; prices are frozen into the order when it is placed. */
export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'order_lines',
  properties: (p) => ({
    orderId: p
      .manyToOne(OrderSchema)
      .mapToPk()
      .joinColumn('order_id')
      .updateRule('no action')
      .primary(),
    lineNo: p.smallint().primary(),
    productId: p
      .manyToOne(ProductSchema)
      .mapToPk()
      .joinColumn('product_id')
      .updateRule('no action'),
    sku: p.text(),
    name: p.text(),
    quantity: p.integer(),
    unitPriceCents: p.bigint('number'),
    lineTotalCents: p.bigint('number'),
    restockHeld: p.integer().default(0),
  }),
  checks: [
    { name: 'order_lines_quantity_range', expression: 'quantity >= 1 and quantity <= 1000' },
    { name: 'order_lines_total', expression: 'line_total_cents = unit_price_cents * quantity' },
    {
      name: 'order_lines_restock_within_quantity',
      expression: 'restock_held >= 0 and restock_held <= quantity',
    },
  ],
});

/** The audit trail: one row per status change (append-only, enforced by a trigger). */
export const OrderEventSchema = defineEntity({
  name: 'OrderEvent',
  tableName: 'order_events',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    orderId: p.manyToOne(OrderSchema).mapToPk().joinColumn('order_id').updateRule('no action'),
    fromStatus: p.text().$type<OrderStatus>().nullable(),
    toStatus: p.text().$type<OrderStatus>(),
    reason: p.text(),
    actor: p.text(),
    at: p.datetime(),
  }),
  indexes: [{ name: 'order_events_order', properties: ['orderId', 'id'] }],
});
