import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { PaymentId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import { isAllowedTransition, type TransitionTable } from '../shared/state-machine.js';
import type { PaymentStatus } from './payment.js';

/**
 * The payment state machine as data (DESIGN §2 Payments): INITIATED → FAILED_FINAL is the fraud
 * rejection (no gateway attempt); RETRY → PROCESSING is the next attempt.
 */
export const paymentTransitions = {
  INITIATED: ['PROCESSING', 'FAILED_FINAL'],
  PROCESSING: ['SUCCESS', 'RETRY', 'FAILED_FINAL'],
  RETRY: ['PROCESSING'],
  SUCCESS: [],
  FAILED_FINAL: [],
} as const satisfies TransitionTable<PaymentStatus>;

/** True when the table allows `from → to`. */
export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return isAllowedTransition<PaymentStatus>(paymentTransitions, from, to);
}

/** The `PAYMENT.INVALID_TRANSITION` error for a refused move. */
export function invalidPaymentTransition(
  paymentId: PaymentId,
  from: PaymentStatus,
  to: PaymentStatus,
): DomainErrorOf<'PAYMENT.INVALID_TRANSITION'> {
  return domainError('PAYMENT.INVALID_TRANSITION', { paymentId, from, to });
}

/** Moves a payment to `to`, or returns `PAYMENT.INVALID_TRANSITION`: never a silent no-op. */
export function transitionPayment<
  P extends { readonly id: PaymentId; readonly status: PaymentStatus },
>(payment: P, to: PaymentStatus): Result<P, DomainErrorOf<'PAYMENT.INVALID_TRANSITION'>> {
  if (!canTransitionPayment(payment.status, to)) {
    return err(invalidPaymentTransition(payment.id, payment.status, to));
  }
  return ok({ ...payment, status: to });
}
