import { beginRefundAttempt, ok, type CardProfile, type RefundAttempt } from '@orders/core';
import { lockRefundForAttempt, saveRefundStateStatement, type StoredRefund } from '@orders/db';
import type { AttemptDeps } from './start-attempt.js';

/** What a refund attempt's start found: nothing to do, a retry not yet due, or an attempt. */
export type RefundAttemptStart =
  | { readonly kind: 'stop' }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | StartedRefundAttempt;

/** A refund attempt committed as started: the refund PROCESSING and leased to its driver. */
export interface StartedRefundAttempt {
  readonly kind: 'attempt';
  readonly refund: StoredRefund;
  readonly attemptNo: number;
  /** The attempts made before this one. */
  readonly attempts: readonly RefundAttempt[];
  /** The token of the card the payment was made with: where the money goes back. */
  readonly gatewayToken: CardProfile;
}

/**
 * Starts the next attempt of a refund this driver holds the lease of, in one transaction: the
 * refund (locked) moves to PROCESSING (core's `beginRefundAttempt`; one found PROCESSING is a
 * re-drive of the same attempt) and the lease is renewed. Stops when the refund is final or
 * leased by another driver; waits when its retry is not yet due. (The payments' `startAttempt`,
 * for refunds.)
 */
export async function startRefundAttempt(
  deps: AttemptDeps,
  refundId: string,
): Promise<RefundAttemptStart> {
  const started = await deps.db.transaction<RefundAttemptStart, never>(async (tx) => {
    const locked = await lockRefundForAttempt(tx, refundId);
    if (!locked || locked.refund.leaseOwner !== deps.owner) return ok({ kind: 'stop' } as const);
    const { refund, attempts } = locked;
    const now = deps.now().getTime();
    if (refund.status === 'RETRY' && refund.nextAttemptAt !== null && refund.nextAttemptAt > now) {
      return ok({ kind: 'wait', untilMs: refund.nextAttemptAt } as const);
    }
    const begun = beginRefundAttempt(refund, attempts);
    if (!begun.ok) return ok({ kind: 'stop' } as const);
    const leased = { ...begun.value.refund, leaseUntil: now + deps.leaseMs };
    await tx.run([saveRefundStateStatement(leased, new Date(now))]);
    return ok({
      kind: 'attempt',
      refund: leased,
      attemptNo: begun.value.attemptNo,
      attempts,
      gatewayToken: locked.payment.gatewayToken,
    } as const);
  });
  if (!started.ok) throw new Error('starting a refund attempt has no refusals');
  return started.value;
}
