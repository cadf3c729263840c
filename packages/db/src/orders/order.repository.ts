import {
  asPaymentId,
  type CancellationPlan,
  type Order,
  type OrderTransition,
  type PaymentId,
  type PaymentStatus,
  type StockLine,
} from '@orders/core';
import type { Sql } from '../database.js';
import { statementForRows, valuesPlaceholders } from '../sql-values.js';
import { statement, type Statement } from '../statement.js';
import { stockMoveStatements, type StockShortage } from '../inventory/stock-moves.js';
import {
  mapOrderRows,
  ORDER_LINES_JSON,
  toOrderHeader,
  toOrderWithLines,
  type OrderHeader,
} from './order.mapper.js';

/** An order's payment, as far as deciding about the order goes. */
export interface PaymentRef {
  readonly id: PaymentId;
  readonly status: PaymentStatus;
}

/**
 * A new order (as core's `placeOrder` decided it), its lines in the client's order and the first
 * event of its audit trail (null → PENDING, 'created', `user:<id>`), in one statement; the foreign
 * keys are checked at its end. Its reservations go in the same transaction.
 */
export function insertOrderStatement(order: Order): Statement {
  if (order.status !== 'PENDING') throw new Error(`a new order is PENDING, not ${order.status}`);
  const createdAt = new Date(order.createdAt);
  return statement(insertOrderSql(order.lines.length), [
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
  ]);
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

/** Any order by id, or null: whether the caller may see it is core's `checkOrderAccess`. */
export async function findOrderById(db: Sql, orderId: string): Promise<Order | null> {
  const rows = await db.execute('select * from orders where id = ?', [orderId]);
  return (await mapOrderRows(db, rows))[0] ?? null;
}

/**
 * The order with its lines and its payment (if any), its row locked (`for update`) until the
 * transaction ends: whoever changes an order's status, or inserts its payment, takes this lock
 * first, so those changes happen one at a time. Lock the order before its products (the lock
 * order everywhere).
 */
export async function lockOrderWithPayment(
  db: Sql,
  orderId: string,
): Promise<{ order: Order; payment: PaymentRef | null } | null> {
  const rows = await db.execute<(Record<string, unknown> & { payment: PaymentRef | null })[]>(
    `select o.*, (select json_build_object('id', p.id, 'status', p.status)
                    from payments p where p.order_id = o.id) as payment
       from orders o where o.id = ? for update of o`,
    [orderId],
  );
  const [order] = await mapOrderRows(db, rows);
  const payment = rows[0]?.payment ?? null;
  if (order === undefined) return null;
  return {
    order,
    payment: payment === null ? null : { id: asPaymentId(payment.id), status: payment.status },
  };
}

/**
 * The order's row, locked like {@link lockOrderWithPayment}, with its stock lines (product, SKU,
 * quantity) rather than its full lines: what creating its payment, and later settling it, need.
 * One statement.
 */
export async function lockOrderForPayment(
  db: Sql,
  orderId: string,
): Promise<{ order: Order; lines: StockLine[] } | null> {
  const rows = await db.execute(
    `select o.*, ${ORDER_LINES_JSON} from orders o where o.id = ? for update of o`,
    [orderId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const order = toOrderWithLines(row);
  const lines = order.lines.map(({ productId, sku, quantity }) => ({ productId, sku, quantity }));
  return { order, lines };
}

/** The whole order (its lines too) in one statement, or null. */
export async function findWholeOrder(db: Sql, orderId: string): Promise<Order | null> {
  const rows = await db.execute(`select o.*, ${ORDER_LINES_JSON} from orders o where o.id = ?`, [
    orderId,
  ]);
  return rows[0] === undefined ? null : toOrderWithLines(rows[0]);
}

/** The order's row alone (no lines), or null. */
export async function findOrderHeader(db: Sql, orderId: string): Promise<OrderHeader | null> {
  const rows = await db.execute('select * from orders where id = ?', [orderId]);
  return rows[0] === undefined ? null : toOrderHeader(rows[0]);
}

/**
 * A planned transition (core decided it) and its audit event, in one statement. The order is
 * locked by its caller, or only ever moved by the payment that holds it, so an order found in any
 * state but `from` is a bug: the statement fails (`orders_assert`), and with it the transaction.
 */
export function orderTransitionStatement(transition: OrderTransition, at: Date): Statement {
  const { orderId, from, to, reason, actor } = transition;
  return statement(
    `with moved as (
       update orders set status = ?, updated_at = ? where id = ? and status = ? returning id),
     event as (
       insert into order_events (order_id, from_status, to_status, reason, actor, at)
       select id, ?, ?, ?, ?, ? from moved returning 1)
     select orders_assert((select count(*) from event) = 1, ?)`,
    [to, at, orderId, from, from, to, reason, actor, at, `order ${orderId} was not ${from}`],
  );
}

/**
 * A cancellation's writes (core's `decideCancellation` or `decideExpiry`): the order's move and
 * the release of each line. The order is locked by the caller and holds its reservations, so a
 * refused release means the books are wrong: callers treat it as a bug.
 */
export function cancellationStatements(
  plan: CancellationPlan,
  at: Date,
): Statement<StockShortage>[] {
  const { transition } = plan;
  const context = { orderId: transition.orderId, actor: transition.actor, at };
  return [orderTransitionStatement(transition, at), ...stockMoveStatements(plan.release, context)];
}
