import {
  asPaymentId,
  canTransitionOrder,
  type Order,
  type OrderStatus,
  type PaymentId,
  type PaymentStatus,
} from '@orders/core';
import type { Sql } from '../database.js';
import { statementForRows, valuesPlaceholders } from '../sql-values.js';
import type { StockLine } from '../inventory/stock.repository.js';
import { mapOrderRows, toOrderHeader, type OrderHeader } from './order.mapper.js';

/**
 * Writes a new PENDING order (as core's `placeOrder` decided it), its lines in the client's order,
 * and the first event of its audit trail (null → PENDING, 'created', `user:<id>`), in one
 * statement (the foreign keys are checked at its end). The caller reserves the stock in the same
 * transaction.
 */
export async function insertOrder(db: Sql, order: Order): Promise<void> {
  if (order.status !== 'PENDING') throw new Error(`a new order is PENDING, not ${order.status}`);
  const createdAt = new Date(order.createdAt);
  await db.execute(
    insertOrderSql(order.lines.length),
    [
      order.id,
      order.userId,
      order.status,
      order.total.currency,
      order.total.amountCents,
      createdAt,
      new Date(order.expiresAt),
      createdAt,
      ...order.lines.flatMap((line, index) => [
        order.id,
        index + 1,
        line.productId,
        line.sku,
        line.name,
        line.quantity,
        line.unitPriceCents,
        line.lineTotalCents,
      ]),
      order.id,
      order.status,
      `user:${order.userId}`,
      createdAt,
    ],
    'run',
  );
}

const insertOrderSql = statementForRows(
  (lines) => `with new_order as (
       insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)),
     new_lines as (
       insert into order_lines
         (order_id, line_no, product_id, sku, name, quantity, unit_price_cents, line_total_cents)
       values ${valuesPlaceholders(lines, 8)})
     insert into order_events (order_id, from_status, to_status, reason, actor, at)
     values (?, null, ?, 'created', ?, ?)`,
);

/** Any order by id, or null (for system code; user-facing reads use `findOrderForUser`). */
export async function findOrderById(db: Sql, orderId: string): Promise<Order | null> {
  const rows = await db.execute('select * from orders where id = ?', [orderId]);
  return (await mapOrderRows(db, rows))[0] ?? null;
}

/**
 * The order if it belongs to `userId`, else null — whether it exists or not, so a caller cannot
 * tell another user's order from a missing one (no BOLA, no existence leak).
 */
export async function findOrderForUser(
  db: Sql,
  orderId: string,
  userId: string,
): Promise<Order | null> {
  const rows = await db.execute('select * from orders where id = ? and user_id = ?', [
    orderId,
    userId,
  ]);
  return (await mapOrderRows(db, rows))[0] ?? null;
}

/**
 * The order with its lines, its row locked (`for update`) until the transaction ends: whoever
 * changes an order's status, or inserts its payment, takes this lock first, so those changes
 * happen one at a time. Lock the order before its products (the lock order everywhere).
 */
export async function lockOrder(db: Sql, orderId: string): Promise<Order | null> {
  const rows = await db.execute('select * from orders where id = ? for update', [orderId]);
  return (await mapOrderRows(db, rows))[0] ?? null;
}

/**
 * The order's row, locked like {@link lockOrder}, with its stock lines (product, SKU, quantity)
 * rather than its full lines: what creating its payment, and later settling it, need. One
 * statement.
 */
export async function lockOrderForPayment(
  db: Sql,
  orderId: string,
): Promise<{ order: OrderHeader; lines: StockLine[] } | null> {
  const rows = await db.execute<{ stock_lines: StockLine[] }[]>(
    `select o.*, (select coalesce(json_agg(json_build_object('productId', l.product_id,
         'sku', l.sku, 'quantity', l.quantity) order by l.line_no), '[]')
         from order_lines l where l.order_id = o.id) as stock_lines
       from orders o where o.id = ? for update of o`,
    [orderId],
  );
  const row = rows[0];
  return row === undefined ? null : { order: toOrderHeader(row), lines: row.stock_lines };
}

/** The order's row alone (no lines), or null. */
export async function findOrderHeader(db: Sql, orderId: string): Promise<OrderHeader | null> {
  const rows = await db.execute('select * from orders where id = ?', [orderId]);
  return rows[0] === undefined ? null : toOrderHeader(rows[0]);
}

/**
 * Moves the order `from → to` and appends the event, in one statement. Callers hold the order's
 * lock and know it is in `from`, so an order found elsewhere is a bug: the statement fails
 * (`orders_assert`) and with it the transaction, even with a COMMIT sent right behind it. A move
 * the state machine does not allow is a caller bug and throws before anything is sent.
 */
export async function transitionOrderStatus(
  db: Sql,
  input: {
    orderId: string;
    from: OrderStatus;
    to: OrderStatus;
    reason: string;
    actor: string;
    at: Date;
  },
): Promise<void> {
  const { orderId, from, to, reason, actor, at } = input;
  if (!canTransitionOrder(from, to)) throw new Error(`illegal order transition ${from} → ${to}`);
  await db.execute(
    `with moved as (
       update orders set status = ?, updated_at = ? where id = ? and status = ? returning id),
     event as (
       insert into order_events (order_id, from_status, to_status, reason, actor, at)
       select id, ?, ?, ?, ?, ? from moved returning 1)
     select orders_assert((select count(*) from event) = 1, ?)`,
    [to, at, orderId, from, from, to, reason, actor, at, `order ${orderId} was not ${from}`],
  );
}

/** The order's payment, if it has one (at most one: `payments_one_per_order`). */
export async function findOrderPaymentStatus(
  db: Sql,
  orderId: string,
): Promise<{ paymentId: PaymentId; status: PaymentStatus } | null> {
  const rows = await db.execute<{ id: string; status: PaymentStatus }[]>(
    'select id, status from payments where order_id = ?',
    [orderId],
  );
  const row = rows[0];
  return row ? { paymentId: asPaymentId(row.id), status: row.status } : null;
}
