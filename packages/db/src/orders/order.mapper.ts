import {
  asOrderId,
  asProductId,
  asSku,
  asUserId,
  money,
  type Currency,
  type Order,
  type OrderLine,
  type OrderStatus,
} from '@orders/core';
import type { Sql } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';

/** An `orders` row as `select *` gives it (bigint and timestamptz arrive as text). */
interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  currency: Currency;
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

/** An order without its lines: what paying it or reporting on its payment needs. */
export type OrderHeader = Omit<Order, 'lines'>;

// The CHECK constraints admit only the values of the status and currency unions, so the row
// types restate what the schema guarantees.
function toOrderHeaderFromRow(row: OrderRow): OrderHeader {
  return {
    id: asOrderId(row.id),
    userId: asUserId(row.user_id),
    status: row.status,
    total: money(Number(row.total_cents), row.currency),
    createdAt: epoch(row.created_at),
    expiresAt: epoch(row.expires_at),
  };
}

/** One `orders` row (`select *`) as an {@link OrderHeader}. */
export function toOrderHeader(row: object): OrderHeader {
  return toOrderHeaderFromRow(row as OrderRow);
}

function toOrderLine(row: OrderLineRow): OrderLine {
  return {
    productId: asProductId(row.product_id),
    sku: asSku(row.sku),
    name: row.name,
    quantity: row.quantity,
    unitPriceCents: Number(row.unit_price_cents),
    lineTotalCents: Number(row.line_total_cents),
  };
}

/**
 * Maps `orders` rows to core `Order`s and loads their lines, in line order, with one more query.
 * Instants become epoch ms, as in core.
 */
export async function mapOrderRows(db: Sql, rows: readonly object[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const headers = (rows as OrderRow[]).map(toOrderHeaderFromRow);
  const lineRows = await db.execute<OrderLineRow[]>(
    'select * from order_lines where order_id = any(?) order by order_id, line_no',
    [headers.map((o) => o.id)],
  );
  const linesByOrder = new Map<string, OrderLine[]>();
  for (const row of lineRows) {
    const list = linesByOrder.get(row.order_id) ?? [];
    list.push(toOrderLine(row));
    linesByOrder.set(row.order_id, list);
  }
  return headers.map((header) => ({ ...header, lines: linesByOrder.get(header.id) ?? [] }));
}

/**
 * One `orders` row (`select *`) carrying its lines as JSON in `lines_json` (see
 * `ORDER_LINES_JSON`), as an {@link Order}: the whole order in one statement.
 */
export function toOrderWithLines(row: object): Order {
  const { lines_json: lines } = row as { lines_json: OrderLineRow[] };
  return { ...toOrderHeaderFromRow(row as OrderRow), lines: lines.map(toOrderLine) };
}

/** A select-list column: the order `o`'s lines as JSON, in line order, for {@link toOrderWithLines}. */
export const ORDER_LINES_JSON = `(select coalesce(json_agg(json_build_object('product_id', l.product_id,
    'sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'unit_price_cents', l.unit_price_cents,
    'line_total_cents', l.line_total_cents) order by l.line_no), '[]')
    from order_lines l where l.order_id = o.id) as lines_json`;
