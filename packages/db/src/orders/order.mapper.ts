import {
  asOrderId,
  asProductId,
  asSku,
  asUserId,
  money,
  type Order,
  type OrderLine,
} from '@orders/core';
import type { Sql } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';
import type { OrderEntity, OrderLineEntity } from './order.entity.js';

/** An `orders` row as `select *` gives it. */
interface OrderRow {
  id: string;
  user_id: string;
  status: OrderEntity['status'];
  currency: OrderEntity['currency'];
  total_cents: string | number;
  created_at: DbTime;
  expires_at: DbTime;
}

/** An `order_lines` row as `select *` gives it. */
interface OrderLineRow {
  order_id: string;
  line_no: number;
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price_cents: string | number;
  line_total_cents: string | number;
}

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

/** An order without its lines: what paying it or reporting on its payment needs. */
export type OrderHeader = Omit<Order, 'lines'>;

/** One `orders` row (`select *`) as an {@link OrderHeader}. */
export function toOrderHeader(row: object): OrderHeader {
  const { lines: _lines, ...header } = toOrder(toOrderEntity(row as OrderRow), []);
  return header;
}

/**
 * Maps `orders` rows and loads their lines with one more query (bigint and timestamptz arrive as
 * text).
 */
export async function mapOrderRows(db: Sql, rows: readonly object[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const orders = (rows as OrderRow[]).map(toOrderEntity);
  const lineRows = await db.execute<OrderLineRow[]>(
    'select * from order_lines where order_id = any(?) order by order_id, line_no',
    [orders.map((o) => o.id)],
  );
  const linesByOrder = new Map<string, OrderLineEntity[]>();
  for (const line of lineRows.map(toOrderLineEntity)) {
    const list = linesByOrder.get(line.orderId) ?? [];
    list.push(line);
    linesByOrder.set(line.orderId, list);
  }
  return orders.map((order) => toOrder(order, linesByOrder.get(order.id) ?? []));
}

function toOrderEntity(row: OrderRow): OrderEntity {
  const createdAt = new Date(epoch(row.created_at));
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    currency: row.currency,
    totalCents: Number(row.total_cents),
    createdAt,
    expiresAt: new Date(epoch(row.expires_at)),
    updatedAt: createdAt,
  };
}

function toOrderLineEntity(row: OrderLineRow): OrderLineEntity {
  return {
    orderId: row.order_id,
    lineNo: row.line_no,
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    quantity: row.quantity,
    unitPriceCents: Number(row.unit_price_cents),
    lineTotalCents: Number(row.line_total_cents),
  };
}
