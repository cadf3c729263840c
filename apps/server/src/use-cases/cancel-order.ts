import {
  asOrderId,
  domainError,
  err,
  ok,
  transitionOrder,
  type DomainError,
  type Order,
  type Result,
} from '@orders/core';
import {
  findOrderPaymentStatus,
  lockOrder,
  releaseOrderStock,
  retryTransient,
  runInTransaction,
  transitionOrderStatus,
  type Database,
} from '@orders/db';
import type { DomainMetrics } from '../metrics/domain-metrics.js';

/**
 * The owner cancels a PENDING order: CANCELLED and its stock released, in one transaction, with
 * the order row locked so a payment or the expiry sweep cannot move it meanwhile. Another user's
 * order is NOT_FOUND; a settled one is NOT_PENDING; one with a payment under way is refused too
 * (PAYMENT.ALREADY_PAID, a conflict): the payment engine owns it until the payment settles.
 */
export async function cancelOrder(
  deps: { db: Database; now: Date; metrics: DomainMetrics },
  input: { userId: string; orderId: string },
): Promise<Result<Order, DomainError>> {
  const result = await retryTransient(() =>
    runInTransaction(deps.db, async (tx): Promise<Result<Order, DomainError>> => {
      const order = await lockOrder(tx, input.orderId);
      if (!order || order.userId !== input.userId) {
        return err(domainError('ORDER.NOT_FOUND', { orderId: asOrderId(input.orderId) }));
      }
      if (order.status !== 'PENDING') {
        return err(domainError('ORDER.NOT_PENDING', { orderId: order.id, status: order.status }));
      }
      const payment = await findOrderPaymentStatus(tx, order.id);
      if (payment) {
        return err(domainError('PAYMENT.ALREADY_PAID', { orderId: order.id, ...payment }));
      }
      const cancelled = transitionOrder(order, 'CANCELLED');
      if (!cancelled.ok) return cancelled;

      const actor = `user:${input.userId}`;
      const at = deps.now;
      const change = { orderId: order.id, from: 'PENDING', to: 'CANCELLED', actor, at } as const;
      await transitionOrderStatus(tx, { ...change, reason: 'cancelled by customer' });
      await releaseOrderStock(tx, {
        orderId: order.id,
        reason: 'cancelled by customer',
        actor,
        at,
      });
      return ok(cancelled.value);
    }),
  );
  if (result.ok) deps.metrics.ordersCancelled('customer', 1);
  return result;
}
