import type { StockMovementKind } from '@orders/core';
import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * `stock_movements`: every change to a product's `on_hand` or `reserved`, append-only. The sum of
 * a product's deltas equals its current stock (see `findStockDrift`).
 */
export const StockMovementSchema = defineEntity({
  name: 'StockMovement',
  tableName: 'stock_movements',
  properties: (p) => ({
    id: p.bigint('number').primary(),
    productId: p.uuid(),
    kind: p.string().$type<StockMovementKind>(),
    onHandDelta: p.integer(),
    reservedDelta: p.integer(),
    orderId: p.uuid().nullable(),
    reason: p.string(),
    actor: p.string(),
    at: p.datetime(),
  }),
});

export type StockMovementEntity = InferEntity<typeof StockMovementSchema>;
