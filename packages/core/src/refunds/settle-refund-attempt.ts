import type { RefundGatewayOutcome } from '../gateway/card-simulator.js';
import { planStockMoves, type StockMove } from '../inventory/stock.js';
import {
  appendChainLink,
  journalChainRecord,
  refundAttemptChainRecord,
  type ChainLink,
} from '../ledger/hash-chain.js';
import { buildRefundEntry, type JournalEntry } from '../ledger/journal.js';
import type { OrderStatus } from '../orders/order.js';
import { planOrderTransition, type OrderTransition } from '../orders/order-transitions.js';
import {
  classifyOutcome,
  hasAttemptsLeft,
  retryDelay,
  type RandomSource,
  type RetryPolicy,
} from '../retry/retry-policy.js';
import type { DomainErrorOf } from '../shared/domain-error.js';
import type { OrderId, PaymentId } from '../shared/ids.js';
import type { Money } from '../shared/money.js';
import { ok, type Result } from '../shared/result.js';
import type { Refund, RefundAttempt, RefundStatus, RestockLine } from './refund.js';
import { transitionRefund } from './refund-transitions.js';

type InvalidTransition = DomainErrorOf<'REFUND.INVALID_TRANSITION'>;

/**
 * Starts a refund's next attempt: PENDING or RETRY → PROCESSING, attempt number = recorded
 * attempts + 1; a refund found PROCESSING is a re-drive of that attempt (its driver went away),
 * which the gateway's per-attempt idempotency key (`<refundId>:<attemptNo>`) makes safe.
 */
export function beginRefundAttempt<R extends Refund>(
  refund: R,
  attempts: readonly unknown[],
): Result<{ readonly refund: R; readonly attemptNo: number }, InvalidTransition> {
  const attemptNo = attempts.length + 1;
  if (refund.status === 'PROCESSING') return ok({ refund, attemptNo });
  const started = transitionRefund(refund, 'PROCESSING');
  if (!started.ok) return started;
  return ok({ refund: { ...started.value, nextAttemptAt: null }, attemptNo });
}

export interface SettleRefundAttemptInput<R extends Refund> {
  /** The refund as its attempt's start left it: PROCESSING. */
  readonly refund: R;
  /** The attempts recorded before this one. */
  readonly attempts: readonly unknown[];
  readonly outcome: RefundGatewayOutcome;
  readonly latencyMs: number;
  /** Epoch ms. */
  readonly now: number;
  readonly policy: RetryPolicy;
  readonly random: RandomSource;
  /** The refund's payment, as locked for the attempt: its capture and its chain's head. */
  readonly payment: { readonly id: PaymentId; readonly amount: Money; readonly chainHead: string };
  /** The order, as locked with it. */
  readonly order: { readonly id: OrderId; readonly status: OrderStatus };
  /** What earlier SUCCEEDED refunds of the payment gave back. */
  readonly refundedCents: number;
}

/** What a refund's final state writes besides the refund. */
export type RefundConclusion =
  /** The money went back: the refund entry, the order's move, and the restocked units. */
  | {
      readonly kind: 'succeeded';
      readonly entry: JournalEntry;
      readonly entryLink: ChainLink;
      readonly transition: OrderTransition;
      readonly restock: readonly StockMove[];
    }
  /** It did not: its amount and its restock are held no longer. */
  | {
      readonly kind: 'failed';
      readonly amount: Money;
      readonly restock: readonly RestockLine[];
    };

/** Everything one refund attempt writes, in one transaction. */
export interface RefundAttemptSettlement<R extends Refund> {
  readonly attempt: RefundAttempt;
  /** The attempt's link in the payment's chain. */
  readonly attemptLink: ChainLink;
  /** The refund after the attempt: SUCCEEDED, RETRY (with its time) or FAILED. */
  readonly refund: R;
  /** The payment's chain head past the attempt (and the refund entry). */
  readonly chainHead: string;
  readonly conclusion: RefundConclusion | null;
}

const ACTOR = 'payment-engine';

/**
 * The engine's one decision per refund attempt (the payment's rules): approved → SUCCEEDED, with
 * the refund entry (DR `revenue:refunds`, CR `assets:gateway_clearing`), the order moved to
 * PARTIALLY_REFUNDED or — once the capture is all given back — REFUNDED, and the restocked units
 * back on the shelf; declined (`refund_failed`) → FAILED, never retried; transient → RETRY after
 * the backoff, or FAILED with RETRIES_EXHAUSTED when no attempts are left. Attempts and the entry
 * extend the payment's hash chain.
 */
export function settleRefundAttempt<R extends Refund>(
  input: SettleRefundAttemptInput<R>,
): Result<
  RefundAttemptSettlement<R>,
  InvalidTransition | DomainErrorOf<'ORDER.INVALID_TRANSITION'>
> {
  const { refund, outcome, now, payment } = input;
  const number = input.attempts.length + 1;
  const attempt: RefundAttempt = {
    number,
    outcome: outcome.outcome,
    code: outcome.outcome === 'APPROVED' ? null : outcome.code,
    at: now,
    latencyMs: input.latencyMs,
    gatewayRef: outcome.outcome === 'ERROR' ? null : `sim_re_${refund.id}_${number}`,
  };
  const attemptLink = appendChainLink(
    payment.chainHead,
    refundAttemptChainRecord(payment.id, refund.id, attempt),
  );
  const next = nextStatus(outcome, number, input);
  const moved = transitionRefund(refund, next.status);
  if (!moved.ok) return moved;
  const after: R = {
    ...moved.value,
    failureCode: next.failureCode,
    nextAttemptAt: next.nextAttemptAt,
    settledAt: next.status === 'RETRY' ? null : now,
  };
  if (next.status === 'RETRY') {
    return ok({
      attempt,
      attemptLink,
      refund: after,
      chainHead: attemptLink.hash,
      conclusion: null,
    });
  }
  if (next.status === 'FAILED') {
    const conclusion = { kind: 'failed' as const, amount: refund.amount, restock: refund.restock };
    return ok({ attempt, attemptLink, refund: after, chainHead: attemptLink.hash, conclusion });
  }
  const entry = buildRefundEntry(refund.id, payment.id, refund.amount);
  const entryLink = appendChainLink(attemptLink.hash, journalChainRecord(entry));
  const fully = input.refundedCents + refund.amount.amountCents >= payment.amount.amountCents;
  const reason = `refund ${refund.id} succeeded`;
  const transition = planOrderTransition(input.order, fully ? 'REFUNDED' : 'PARTIALLY_REFUNDED', {
    reason,
    actor: ACTOR,
  });
  if (!transition.ok) return transition;
  const restock = planStockMoves('RESTOCK', refund.restock, reason);
  return ok({
    attempt,
    attemptLink,
    refund: after,
    chainHead: entryLink.hash,
    conclusion: {
      kind: 'succeeded',
      entry,
      entryLink,
      transition: transition.value.transition,
      restock,
    },
  });
}

function nextStatus(
  outcome: RefundGatewayOutcome,
  number: number,
  input: { readonly now: number; readonly policy: RetryPolicy; readonly random: RandomSource },
): {
  readonly status: Extract<RefundStatus, 'SUCCEEDED' | 'RETRY' | 'FAILED'>;
  readonly failureCode: Refund['failureCode'];
  readonly nextAttemptAt: number | null;
} {
  if (outcome.outcome === 'APPROVED') {
    return { status: 'SUCCEEDED', failureCode: null, nextAttemptAt: null };
  }
  if (classifyOutcome(outcome) === 'TRANSIENT' && hasAttemptsLeft(number, input.policy)) {
    const nextAttemptAt = input.now + retryDelay(number, input.policy, input.random);
    return { status: 'RETRY', failureCode: null, nextAttemptAt };
  }
  const failureCode = outcome.outcome === 'DECLINED' ? 'REFUND_FAILED' : 'RETRIES_EXHAUSTED';
  return { status: 'FAILED', failureCode, nextAttemptAt: null };
}
