import { planStockMoves, type StockMove } from '../inventory/stock.js';
import type { PaymentStatus } from '../payments/payment.js';
import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { PaymentId, UserId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Order } from './order.js';
import { checkOrderAccess } from './order-access.js';
import { isExpired } from './order-expiry.js';
import { planOrderTransition, type OrderTransition } from './order-transitions.js';

/** Who cancels: the customer who owns the order, or the expiry sweep once the TTL ran out. */
export type CancellationBy =
  { readonly reason: 'customer'; readonly userId: UserId } | { readonly reason: 'expired' };

/** What a cancellation writes: the order CANCELLED, its event, and its stock released. */
export interface CancellationPlan {
  readonly order: Order;
  readonly transition: OrderTransition;
  readonly release: readonly StockMove[];
}

export type CancellationError = DomainErrorOf<
  'ORDER.NOT_FOUND' | 'ORDER.NOT_PENDING' | 'PAYMENT.ALREADY_PAID' | 'ORDER.INVALID_TRANSITION'
>;

/**
 * Cancels a PENDING order and releases its stock (DESIGN §2 Orders), for its owner or for the
 * expiry sweep. Another user's order is NOT_FOUND, exactly as a missing one; a settled order is
 * NOT_PENDING; an order with a payment is the payment engine's until it settles, so it is refused
 * (PAYMENT.ALREADY_PAID) — whoever asks.
 */
export function decideCancellation(
  order: Order,
  payment: { readonly id: PaymentId; readonly status: PaymentStatus } | null,
  by: CancellationBy,
): Result<CancellationPlan, CancellationError> {
  if (by.reason === 'customer') {
    const access = checkOrderAccess(order, { orderId: order.id, userId: by.userId });
    if (!access.ok) return access;
  }
  if (order.status !== 'PENDING') {
    return err(domainError('ORDER.NOT_PENDING', { orderId: order.id, status: order.status }));
  }
  if (payment !== null) {
    return err(
      domainError('PAYMENT.ALREADY_PAID', {
        orderId: order.id,
        paymentId: payment.id,
        status: payment.status,
      }),
    );
  }
  // The audit trail's words, as the order events and stock movements have always had them.
  const reason = by.reason === 'customer' ? 'cancelled by customer' : 'expired';
  const actor = by.reason === 'customer' ? `user:${by.userId}` : 'system';
  const moved = planOrderTransition(order, 'CANCELLED', { reason, actor });
  if (!moved.ok) return moved;
  return ok({ ...moved.value, release: planStockMoves('RELEASE', order.lines, reason) });
}

/**
 * The expiry sweep's decision for one order: its cancellation when it is PENDING past its expiry
 * and has no payment, else null (nothing to do: paid, settled, or not yet due).
 */
export function decideExpiry(
  order: Order,
  payment: { readonly id: PaymentId; readonly status: PaymentStatus } | null,
  now: number,
): CancellationPlan | null {
  if (!isExpired(order, now)) return null;
  const plan = decideCancellation(order, payment, { reason: 'expired' });
  return plan.ok ? plan.value : null;
}
