import {
  appendToPaymentChain,
  applyAttemptDecision,
  attemptChainRecord,
  beginAttempt,
  decideAfterAttempt,
  simulateTokenizedAttempt,
  type PaymentAttempt,
} from '@orders/core';
import {
  insertAttempt,
  listAttempts,
  lockPayment,
  savePaymentState,
  type EntityManager,
  type StoredPayment,
} from '@orders/db';
import type { PaymentEngineDeps } from './payment-engine.js';
import { settlePayment } from './settle-payment.js';

type StepContext = PaymentEngineDeps & { readonly owner: string };

export type StartResult =
  | { readonly kind: 'stop' }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | { readonly kind: 'attempt'; readonly payment: StoredPayment; readonly attemptNo: number };

export type RecordResult =
  { readonly kind: 'stop' } | { readonly kind: 'retry'; readonly retryAtMs: number };

/** A result, with the attempt this call recorded (if any) and the payment it left. */
type Recorded = RecordResult &
  (
    | { readonly attempt?: undefined }
    | { readonly attempt: PaymentAttempt; readonly after: StoredPayment }
  );

const FINAL_STATUSES = new Set(['SUCCESS', 'FAILED_FINAL']);

/**
 * Transaction 1 of an attempt: the payment (locked) moves to PROCESSING and the lease is
 * renewed. Stops when the payment is final or leased by another driver; waits when a retry is
 * not yet due. A payment found PROCESSING is a re-drive of the same attempt number.
 */
export function startAttempt(ctx: StepContext, paymentId: string): Promise<StartResult> {
  return ctx.orm.em.fork().transactional(async (em) => {
    const payment = await lockPayment(em, paymentId);
    if (!payment || FINAL_STATUSES.has(payment.status) || payment.leaseOwner !== ctx.owner) {
      return { kind: 'stop' };
    }
    const now = ctx.now().getTime();
    if (
      payment.status === 'RETRY' &&
      payment.nextAttemptAt !== null &&
      payment.nextAttemptAt > now
    ) {
      return { kind: 'wait', untilMs: payment.nextAttemptAt };
    }
    const begun = beginAttempt(payment, await listAttempts(em, paymentId));
    if (!begun.ok) throw new Error(`cannot start an attempt: ${begun.error.code}`);
    const started = { ...begun.value.payment, leaseUntil: now + ctx.settings.leaseMs };
    await savePaymentState(em, started, new Date(now));
    return { kind: 'attempt', payment: started, attemptNo: begun.value.attemptNo };
  });
}

/**
 * The gateway call (outside any transaction), then transaction 2: the attempt row, the core's
 * decision, and — on a final state — the order, the stock and the journal, all or nothing.
 */
export async function recordAttempt(
  ctx: StepContext,
  started: Extract<StartResult, { kind: 'attempt' }>,
): Promise<RecordResult> {
  const { payment: startedPayment, attemptNo } = started;
  const callStarted = performance.now();
  const outcome = simulateTokenizedAttempt({
    profile: startedPayment.gatewayToken,
    noiseKey: startedPayment.cardFingerprint,
    attemptNo,
    noise: ctx.settings.noise,
  });
  const latencyMs = Math.round(performance.now() - callStarted);

  const recorded = await ctx.orm.em.fork().transactional(async (em): Promise<Recorded> => {
    const payment = await lockPayment(em, startedPayment.id);
    if (!payment || payment.leaseOwner !== ctx.owner || payment.status !== 'PROCESSING') {
      return { kind: 'stop' };
    }
    const attempts = await listAttempts(em, payment.id);
    if (attempts.length >= attemptNo) return { kind: 'stop' }; // recorded by another driver
    const now = ctx.now();
    const decided = decideAfterAttempt({
      payment,
      attempts,
      outcome,
      now: now.getTime(),
      policy: ctx.settings.retryPolicy,
      random: ctx.random,
    });
    if (!decided.ok) throw new Error(`cannot record the attempt: ${decided.error.code}`);
    const decision = decided.value;
    const attempt: PaymentAttempt = {
      ...decision.attempt,
      at: now.getTime(),
      latencyMs,
      gatewayRef: decision.attempt.outcome === 'ERROR' ? null : `sim_${payment.id}_${attemptNo}`,
    };
    const chained = appendToPaymentChain(payment, attemptChainRecord(payment.id, attempt));
    await insertAttempt(em, payment.id, attempt, chained.link);
    const afterDecision = applyAttemptDecision(chained.payment, decision);

    if (decision.status === 'RETRY') {
      const leaseUntil = decision.nextAttemptAt + ctx.settings.leaseMs;
      await savePaymentState(em, { ...afterDecision, leaseUntil }, now);
      return { kind: 'retry', retryAtMs: decision.nextAttemptAt, attempt, after: afterDecision };
    }
    await settle(em, { ...afterDecision, leaseOwner: null, leaseUntil: null }, now);
    return { kind: 'stop', attempt, after: afterDecision };
  });
  // Counted once committed: a transaction that rolled back (and is retried) counts nothing.
  if (recorded.attempt) ctx.metrics.attemptRecorded(recorded.attempt.outcome, recorded.after);
  return recorded;
}

async function settle(em: EntityManager, payment: StoredPayment, at: Date): Promise<void> {
  const settled = await settlePayment(em, payment, at);
  await savePaymentState(em, settled, at);
}
