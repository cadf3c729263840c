import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { OrderId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import { isAllowedTransition, type TransitionTable } from '../shared/state-machine.js';
import type { OrderStatus } from './order.js';

/**
 * The order state machine as data (DESIGN §2 Orders). After payment, refunds move it:
 * CONFIRMED → PARTIALLY_REFUNDED → … → REFUNDED, or straight to REFUNDED. Each partial refund is
 * a move of its own (PARTIALLY_REFUNDED → PARTIALLY_REFUNDED), recorded like any other, so the
 * audit trail has an event per refund. FAILED, CANCELLED and REFUNDED are terminal.
 */
export const orderTransitions = {
  PENDING: ['CONFIRMED', 'FAILED', 'CANCELLED'],
  CONFIRMED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  FAILED: [],
  CANCELLED: [],
  REFUNDED: [],
} as const satisfies TransitionTable<OrderStatus>;

/** True when the table allows `from → to`. */
export function canTransitionOrder(from: OrderStatus, to: OrderStatus): boolean {
  return isAllowedTransition<OrderStatus>(orderTransitions, from, to);
}

/**
 * Moves an order to `to`, or returns `ORDER.INVALID_TRANSITION` for a move the table does not
 * allow (a move to the same state included, unless the table lists it: an illegal move is never
 * a silent no-op).
 */
export function transitionOrder<O extends { readonly id: OrderId; readonly status: OrderStatus }>(
  order: O,
  to: OrderStatus,
): Result<O, DomainErrorOf<'ORDER.INVALID_TRANSITION'>> {
  if (!canTransitionOrder(order.status, to)) {
    return err(
      domainError('ORDER.INVALID_TRANSITION', { orderId: order.id, from: order.status, to }),
    );
  }
  return ok({ ...order, status: to });
}

/** A planned status change, as written to the order and its audit trail (`order_events`). */
export interface OrderTransition {
  readonly orderId: OrderId;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  readonly reason: string;
  /** Who moved it: `user:<id>`, `system`, `payment-engine`. */
  readonly actor: string;
}

/** {@link transitionOrder}, with the transition to record. */
export function planOrderTransition<
  O extends { readonly id: OrderId; readonly status: OrderStatus },
>(
  order: O,
  to: OrderStatus,
  why: { readonly reason: string; readonly actor: string },
): Result<
  { readonly order: O; readonly transition: OrderTransition },
  DomainErrorOf<'ORDER.INVALID_TRANSITION'>
> {
  const moved = transitionOrder(order, to);
  if (!moved.ok) return moved;
  const transition = { orderId: order.id, from: order.status, to, ...why };
  return ok({ order: moved.value, transition });
}
