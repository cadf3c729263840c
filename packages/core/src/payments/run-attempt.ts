import type { GatewayCode, GatewayOutcome } from '../gateway/card-simulator.js';
import {
  classifyOutcome,
  DEFAULT_RETRY_POLICY,
  hasAttemptsLeft,
  retryDelay,
  type RandomSource,
  type RetryPolicy,
} from '../retry/retry-policy.js';
import type { DomainErrorOf } from '../shared/domain-error.js';
import type { PaymentId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import type { AttemptResult, FailureCode, PaymentStatus } from './payment.js';
import { invalidPaymentTransition, transitionPayment } from './payment-transitions.js';

type InvalidTransition = DomainErrorOf<'PAYMENT.INVALID_TRANSITION'>;

interface PaymentState {
  readonly id: PaymentId;
  readonly status: PaymentStatus;
  readonly nextAttemptAt: number | null;
}

/** The gateway idempotency key of an attempt: re-driving it after a crash cannot double-charge. */
export function gatewayIdempotencyKey(paymentId: PaymentId, attemptNo: number): string {
  return `${paymentId}:${attemptNo}`;
}

/** The attempt about to run. `redrive` marks a PROCESSING payment whose driver went away. */
export interface AttemptStart<P> {
  readonly payment: P;
  readonly attemptNo: number;
  readonly redrive: boolean;
}

/**
 * Starts the next attempt: INITIATED or RETRY → PROCESSING, attempt number = recorded attempts
 * + 1. A payment already PROCESSING is a re-drive of that same attempt (its driver crashed before
 * recording it); the gateway's per-attempt idempotency makes that safe.
 */
export function beginAttempt<P extends PaymentState>(
  payment: P,
  attempts: readonly unknown[],
): Result<AttemptStart<P>, InvalidTransition> {
  const attemptNo = attempts.length + 1;
  if (payment.status === 'PROCESSING') return ok({ payment, attemptNo, redrive: true });
  const started = transitionPayment(payment, 'PROCESSING');
  if (!started.ok) return started;
  return ok({ payment: { ...started.value, nextAttemptAt: null }, attemptNo, redrive: false });
}

/** What to persist after an attempt, in one transaction with the attempt row. */
export type AttemptDecision =
  | {
      readonly status: 'SUCCESS';
      readonly failureCode: null;
      readonly attempt: AttemptResult;
      readonly nextAttemptAt: null;
    }
  | {
      readonly status: 'RETRY';
      readonly failureCode: null;
      readonly attempt: AttemptResult;
      /** Epoch ms. */
      readonly nextAttemptAt: number;
    }
  | {
      readonly status: 'FAILED_FINAL';
      readonly failureCode: FailureCode;
      readonly attempt: AttemptResult;
      readonly nextAttemptAt: null;
    };

export interface DecideAfterAttemptInput {
  readonly payment: Pick<PaymentState, 'id' | 'status'>;
  /** The attempts recorded before this one. */
  readonly attempts: readonly unknown[];
  readonly outcome: GatewayOutcome;
  /** Epoch ms. */
  readonly now: number;
  readonly policy?: RetryPolicy;
  readonly random: RandomSource;
}

/** The failure code a final, unsuccessful attempt leaves on the payment. */
const FINAL_FAILURE_CODES = {
  card_declined: 'CARD_DECLINED',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  processing_error: 'RETRIES_EXHAUSTED',
  gateway_timeout: 'RETRIES_EXHAUSTED',
} as const satisfies Record<GatewayCode, FailureCode>;

/**
 * The payment engine's decision after one gateway attempt (payment must be PROCESSING):
 * approved → SUCCESS; declined → FAILED_FINAL with CARD_DECLINED / INSUFFICIENT_FUNDS (never
 * retried); transient with attempts left → RETRY at `now + retryDelay`; transient on the last
 * attempt → FAILED_FINAL with RETRIES_EXHAUSTED.
 */
export function decideAfterAttempt(
  input: DecideAfterAttemptInput,
): Result<AttemptDecision, InvalidTransition> {
  const { payment, outcome, now } = input;
  const policy = input.policy ?? DEFAULT_RETRY_POLICY;
  const number = input.attempts.length + 1;
  const attempt: AttemptResult = {
    number,
    outcome: outcome.outcome,
    code: outcome.outcome === 'APPROVED' ? null : outcome.code,
  };
  const decision = decide(outcome, attempt, now, policy, input.random);
  if (payment.status !== 'PROCESSING') {
    return err(invalidPaymentTransition(payment.id, payment.status, decision.status));
  }
  return ok(decision);
}

function decide(
  outcome: GatewayOutcome,
  attempt: AttemptResult,
  now: number,
  policy: RetryPolicy,
  random: RandomSource,
): AttemptDecision {
  if (outcome.outcome === 'APPROVED') {
    return { status: 'SUCCESS', failureCode: null, attempt, nextAttemptAt: null };
  }
  if (classifyOutcome(outcome) === 'TRANSIENT' && hasAttemptsLeft(attempt.number, policy)) {
    const nextAttemptAt = now + retryDelay(attempt.number, policy, random);
    return { status: 'RETRY', failureCode: null, attempt, nextAttemptAt };
  }
  const failureCode = FINAL_FAILURE_CODES[outcome.code];
  return { status: 'FAILED_FINAL', failureCode, attempt, nextAttemptAt: null };
}

/** The payment after an attempt decision: its status, failure code and next attempt time. */
export function applyAttemptDecision<
  P extends {
    readonly status: PaymentStatus;
    readonly failureCode: FailureCode | null;
    readonly nextAttemptAt: number | null;
  },
>(payment: P, decision: AttemptDecision): P {
  const { status, failureCode, nextAttemptAt } = decision;
  return { ...payment, status, failureCode, nextAttemptAt };
}
