import type { Currency, OrderStatus } from '@orders/core';
import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * `orders`, `order_lines` and `order_events`. Rows are written with plain SQL by the order
 * repository (conditional status updates, `for update` locks) and read back through `em.map`, so
 * these schemas describe the columns; they are never flushed.
 */
export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: (p) => ({
    id: p.uuid().primary(),
    userId: p.uuid(),
    status: p.string().$type<OrderStatus>(),
    currency: p.string().$type<Currency>(),
    totalCents: p.bigint('number'),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

/** One priced line; prices are frozen into the order when it is placed. */
export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'order_lines',
  properties: (p) => ({
    orderId: p.uuid().primary(),
    lineNo: p.smallint().primary(),
    productId: p.uuid(),
    sku: p.string(),
    name: p.string(),
    quantity: p.integer(),
    unitPriceCents: p.bigint('number'),
    lineTotalCents: p.bigint('number'),
  }),
});

/** The audit trail: one row per status change (append-only, enforced by a trigger). */
export const OrderEventSchema = defineEntity({
  name: 'OrderEvent',
  tableName: 'order_events',
  properties: (p) => ({
    id: p.bigint('number').primary(),
    orderId: p.uuid(),
    fromStatus: p.string().$type<OrderStatus>().nullable(),
    toStatus: p.string().$type<OrderStatus>(),
    reason: p.string(),
    actor: p.string(),
    at: p.datetime(),
  }),
});

export type OrderEntity = InferEntity<typeof OrderSchema>;
export type OrderLineEntity = InferEntity<typeof OrderLineSchema>;
export type OrderEventEntity = InferEntity<typeof OrderEventSchema>;
