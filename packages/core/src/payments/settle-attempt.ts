import type { StockLine } from '../inventory/stock.js';
import { gatewayReference, type GatewayOutcome } from '../gateway/card-simulator.js';
import { appendToPaymentChain, attemptChainRecord, type ChainLink } from '../ledger/hash-chain.js';
import type { RandomSource, RetryPolicy } from '../retry/retry-policy.js';
import type { DomainErrorOf } from '../shared/domain-error.js';
import { ok, type Result } from '../shared/result.js';
import { concludePayment, type PaymentConclusion } from './conclude-payment.js';
import type { Payment, PaymentAttempt } from './payment.js';
import { applyAttemptDecision, decideAfterAttempt } from './run-attempt.js';

export interface SettleAttemptInput<P extends Payment> {
  /** The payment as its attempt's start left it: PROCESSING. */
  readonly payment: P;
  /** The attempts recorded before this one. */
  readonly attempts: readonly unknown[];
  /** What the gateway answered, and how long it took. */
  readonly outcome: GatewayOutcome;
  readonly latencyMs: number;
  /** Epoch ms. */
  readonly now: number;
  readonly policy: RetryPolicy;
  readonly random: RandomSource;
  /** The order's stock lines, which a final state commits or releases. */
  readonly lines: readonly StockLine[];
}

/** Everything one gateway attempt writes, in one transaction. */
export interface AttemptSettlement<P extends Payment> {
  /** The `payment_attempts` row. */
  readonly attempt: PaymentAttempt;
  /** The attempt's link in the payment's hash chain. */
  readonly attemptLink: ChainLink;
  /** The payment after the attempt: SUCCESS, RETRY (with its time) or FAILED_FINAL. */
  readonly payment: P;
  /** For a final state: the order's move, its stock and the capture. Null for RETRY. */
  readonly conclusion: Omit<PaymentConclusion<P>, 'payment'> | null;
}

/**
 * The payment engine's one decision per attempt (DESIGN §2 Payments): the gateway's outcome
 * becomes the attempt record, chained onto the payment; the payment moves — approved → SUCCESS,
 * declined → FAILED_FINAL, transient → RETRY after the backoff, or FAILED_FINAL when no attempts
 * are left — and a final state brings its conclusion (`concludePayment`). The engine and the
 * tests both drive payments through this function.
 */
export function settleAttempt<P extends Payment>(
  input: SettleAttemptInput<P>,
): Result<AttemptSettlement<P>, DomainErrorOf<'PAYMENT.INVALID_TRANSITION'>> {
  const { payment, outcome, now } = input;
  const decided = decideAfterAttempt(input);
  if (!decided.ok) return decided;
  const decision = decided.value;
  const attempt: PaymentAttempt = {
    ...decision.attempt,
    at: now,
    latencyMs: input.latencyMs,
    gatewayRef: gatewayReference(payment.id, decision.attempt.number, outcome),
  };
  const chained = appendToPaymentChain(payment, attemptChainRecord(payment.id, attempt));
  const after = applyAttemptDecision(chained.payment, decision);
  if (after.status === 'RETRY') {
    return ok({ attempt, attemptLink: chained.link, payment: after, conclusion: null });
  }
  const { payment: concluded, ...conclusion } = concludePayment(after, input.lines);
  return ok({ attempt, attemptLink: chained.link, payment: concluded, conclusion });
}
