import {
  asOrderId,
  asUserId,
  decideCancellation,
  domainError,
  err,
  ok,
  type DomainError,
  type Order,
  type Result,
} from '@orders/core';
import {
  appendEventsStatement,
  cancellationStatements,
  lockOrderWithPayment,
  retryTransient,
  type Database,
} from '@orders/db';
import { orderEvent } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';

/**
 * `orders.cancel`: the owner cancels a PENDING order. One transaction locks the order (so a
 * payment or the expiry sweep cannot move it meanwhile) with its payment; core decides
 * (`decideCancellation`: another user's order is NOT_FOUND, a settled one NOT_PENDING, one with a
 * payment under way PAYMENT.ALREADY_PAID); the plan goes out with COMMIT: CANCELLED, its order event and
 * `order.cancelled` (reason `customer`), its stock released.
 */
export async function cancelOrder(
  deps: { db: Database; now: Date; metrics: DomainMetrics },
  input: { userId: string; orderId: string },
): Promise<Result<Order, DomainError>> {
  const result = await retryTransient(() =>
    deps.db.transaction(async (tx): Promise<Result<Order, DomainError>> => {
      const locked = await lockOrderWithPayment(tx, input.orderId);
      if (locked === null) {
        return err(domainError('ORDER.NOT_FOUND', { orderId: asOrderId(input.orderId) }));
      }
      const plan = decideCancellation(locked.order, locked.payment, {
        reason: 'customer',
        userId: asUserId(input.userId),
      });
      if (!plan.ok) return plan;
      const events = [orderEvent(plan.value.order, locked.order, deps.now, { reason: 'customer' })];
      const written = await tx.commitWith([
        ...cancellationStatements(plan.value, deps.now),
        appendEventsStatement(events),
      ]);
      // The locked order holds its reservations: a refused release is a bug.
      if (!written.ok) throw new Error(`order ${input.orderId} did not hold its reservations`);
      deps.metrics.eventsWritten(events);
      return ok(plan.value.order);
    }),
  );
  if (result.ok) deps.metrics.ordersCancelled('customer', 1);
  return result;
}
