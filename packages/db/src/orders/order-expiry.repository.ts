import { expireOrderIfDue } from '@orders/core';
import type { Sql } from '../database.js';
import { releaseOrderStock } from '../inventory/stock.repository.js';
import { findOrderPaymentStatus, lockOrder, transitionOrderStatus } from './order.repository.js';

/**
 * Ids of PENDING orders past their expiry that have no payment, oldest expiry first, their rows
 * locked with SKIP LOCKED: call it inside a transaction, and instances sweeping at the same time
 * each get different orders. An order with a payment row is left to the payment engine, which
 * settles it (CONFIRMED or FAILED) itself.
 */
export async function findExpiredPendingOrders(
  db: Sql,
  now: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db.execute<{ id: string }[]>(
    `select o.id from orders o
      where o.status = 'PENDING' and o.expires_at <= ?
        and not exists (select 1 from payments p where p.order_id = o.id)
      order by o.expires_at
      limit ?
      for update of o skip locked`,
    [now, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Expires one order in the caller's transaction: PENDING → CANCELLED (reason 'expired', actor
 * 'system') and its stock released. Core's `expireOrderIfDue` decides; the order is locked first
 * and skipped when it has a payment (the pay flow locks the order before inserting one, so the
 * two cannot interleave). True when it expired the order, false when there was nothing to do.
 */
export async function expireOrder(db: Sql, orderId: string, at: Date): Promise<boolean> {
  const order = await lockOrder(db, orderId);
  if (!order || expireOrderIfDue(order, at.getTime()) === null) return false;
  if ((await findOrderPaymentStatus(db, orderId)) !== null) return false;
  // Under the row lock the order is still PENDING (the move fails its statement otherwise).
  await transitionOrderStatus(db, {
    orderId,
    from: 'PENDING',
    to: 'CANCELLED',
    reason: 'expired',
    actor: 'system',
    at,
  });
  await releaseOrderStock(db, { orderId, reason: 'expired', actor: 'system', at });
  return true;
}
