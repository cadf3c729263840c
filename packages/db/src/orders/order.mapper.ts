import {
  asOrderId,
  asProductId,
  asSku,
  asUserId,
  money,
  type Order,
  type OrderLine,
} from '@orders/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  OrderLineSchema,
  OrderSchema,
  type OrderEntity,
  type OrderLineEntity,
} from './order.entity.js';

/** Rows → core `Order`s, each with its lines in line order. Instants become epoch ms, as in core. */
export function toOrder(order: OrderEntity, lines: readonly OrderLineEntity[]): Order {
  return {
    id: asOrderId(order.id),
    userId: asUserId(order.userId),
    status: order.status,
    lines: [...lines].sort((a, b) => a.lineNo - b.lineNo).map(toOrderLine),
    total: money(order.totalCents, order.currency),
    createdAt: order.createdAt.getTime(),
    expiresAt: order.expiresAt.getTime(),
  };
}

function toOrderLine(line: OrderLineEntity): OrderLine {
  return {
    productId: asProductId(line.productId),
    sku: asSku(line.sku),
    name: line.name,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    lineTotalCents: line.lineTotalCents,
  };
}

/**
 * Maps `orders` rows and loads their lines with one more query. `em.map` converts the columns
 * (bigint, timestamptz) through the entity metadata and refreshes the identity map.
 */
export async function mapOrderRows(em: EntityManager, rows: readonly object[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const orders = rows.map((row) => em.map(OrderSchema, row));
  const lineRows = await em.execute(
    'select * from order_lines where order_id in (?) order by order_id, line_no',
    [orders.map((o) => o.id)],
  );
  const linesByOrder = new Map<string, OrderLineEntity[]>();
  for (const line of lineRows.map((row) => em.map(OrderLineSchema, row))) {
    const list = linesByOrder.get(line.orderId) ?? [];
    list.push(line);
    linesByOrder.set(line.orderId, list);
  }
  return orders.map((order) => toOrder(order, linesByOrder.get(order.id) ?? []));
}
