import { decideExpiry, ok } from '@orders/core';
import {
  appendEventsStatement,
  cancellationStatements,
  findExpiredPendingOrders,
  lockOrderWithPayment,
  retryTransient,
  type Database,
  type NewEvent,
} from '@orders/db';
import { orderEvent } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';

/**
 * The expiry sweep (the worker calls it every round, in every instance): in one transaction, up to
 * `limit` PENDING orders past their TTL are selected with SKIP LOCKED — instances sweeping at
 * once get different orders — and core decides on each as locked (`decideExpiry`, the rule of a
 * customer's cancellation): CANCELLED by the system with `order.cancelled` (reason
 * `expired`), its stock released. Returns how many expired.
 */
export async function expireOrders(
  deps: { db: Database; now: Date; metrics: DomainMetrics },
  limit: number,
): Promise<number> {
  let events: NewEvent[] = [];
  const expired = await retryTransient(() =>
    deps.db.transaction(async (tx) => {
      events = [];
      let count = 0;
      for (const orderId of await findExpiredPendingOrders(tx, deps.now, limit)) {
        const locked = await lockOrderWithPayment(tx, orderId);
        const plan = locked && decideExpiry(locked.order, locked.payment, deps.now.getTime());
        if (!plan) continue; // paid or settled meanwhile: not this sweep's to move
        const event = orderEvent(plan.order, locked.order, deps.now, { reason: 'expired' });
        const written = await tx.run([
          ...cancellationStatements(plan, deps.now),
          appendEventsStatement([event]),
        ]);
        events.push(event);
        // The locked order holds its reservations: a refused release is a bug.
        if (!written.ok) throw new Error(`order ${orderId} did not hold its reservations`);
        count++;
      }
      return ok(count);
    }),
  );
  if (!expired.ok) throw new Error('the expiry sweep has no refusals');
  deps.metrics.eventsWritten(events);
  deps.metrics.ordersCancelled('expired', expired.value);
  return expired.value;
}
