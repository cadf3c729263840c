import type { AttemptOutcome } from '../gateway/card-simulator.js';
import type { OrderStatus } from '../orders/order.js';
import type { PaymentStatus } from '../payments/payment.js';
import type { RefundStatus } from '../refunds/refund.js';

/**
 * How many events an order, payment or refund has had, read from its state: every change of it
 * wrote its events in its own transaction (DESIGN §2 Events), so its state says how far its
 * history goes — and the next event's version (1, 2, … per aggregate) follows from it, decided
 * under the lock of its row like the change itself.
 */

/** An order: created; settled, failed or cancelled; then one event per successful refund. */
export function orderEventCount(status: OrderStatus, succeededRefunds: number): number {
  switch (status) {
    case 'PENDING':
      return 1;
    case 'CONFIRMED':
    case 'FAILED':
    case 'CANCELLED':
      return 2;
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 2 + succeededRefunds;
  }
}

/** A payment: created; one event per failed attempt; one for its final state. */
export function paymentEventCount(
  status: PaymentStatus,
  attempts: readonly { readonly outcome: AttemptOutcome }[],
): number {
  const failed = attempts.filter((attempt) => attempt.outcome !== 'APPROVED').length;
  return 1 + failed + (status === 'SUCCESS' || status === 'FAILED_FINAL' ? 1 : 0);
}

/** A refund: created; then its final state. */
export function refundEventCount(status: RefundStatus): number {
  return status === 'SUCCEEDED' || status === 'FAILED' ? 2 : 1;
}

/** The versions of the last `count` of `total` events: the events a change has just written. */
export function lastVersions(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => total - count + i + 1);
}
