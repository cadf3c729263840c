import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { RefundId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import { isAllowedTransition, type TransitionTable } from '../shared/state-machine.js';
import type { RefundStatus } from './refund.js';

/**
 * The refund state machine as data (DESIGN §2 Refunds), the payment's shape: a refund is created
 * PENDING, each attempt runs PROCESSING, a transient failure waits in RETRY, and it ends SUCCEEDED
 * or FAILED.
 */
export const refundTransitions = {
  PENDING: ['PROCESSING'],
  PROCESSING: ['SUCCEEDED', 'RETRY', 'FAILED'],
  RETRY: ['PROCESSING'],
  SUCCEEDED: [],
  FAILED: [],
} as const satisfies TransitionTable<RefundStatus>;

/** True when the table allows `from → to`. */
export function canTransitionRefund(from: RefundStatus, to: RefundStatus): boolean {
  return isAllowedTransition<RefundStatus>(refundTransitions, from, to);
}

/** Moves a refund to `to`, or returns `REFUND.INVALID_TRANSITION`: never a silent no-op. */
export function transitionRefund<
  R extends { readonly id: RefundId; readonly status: RefundStatus },
>(refund: R, to: RefundStatus): Result<R, DomainErrorOf<'REFUND.INVALID_TRANSITION'>> {
  if (!canTransitionRefund(refund.status, to)) {
    return err(
      domainError('REFUND.INVALID_TRANSITION', { refundId: refund.id, from: refund.status, to }),
    );
  }
  return ok({ ...refund, status: to });
}
