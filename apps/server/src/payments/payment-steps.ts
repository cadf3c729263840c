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
  appendAttempt,
  findStockLines,
  isAssertionFailure,
  lockPaymentWithAttempts,
  savePaymentState,
  type StockLine,
  type StoredPayment,
} from '@orders/db';
import type { PaymentEngineDeps } from './payment-engine.js';
import { settlePayment } from './settle-payment.js';

type StepContext = PaymentEngineDeps & { readonly owner: string };

export type StartResult =
  | { readonly kind: 'stop' }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | {
      readonly kind: 'attempt';
      /** The payment as the start committed it: PROCESSING, leased to this driver. */
      readonly payment: StoredPayment;
      readonly attemptNo: number;
      /** The attempts made before this one. */
      readonly attempts: readonly PaymentAttempt[];
      /** The order's stock lines, for settling its stock. */
      readonly lines: readonly StockLine[];
    };

/** A payment that reached its final state, as the drive that settled it committed it. */
export interface SettledPayment {
  readonly payment: StoredPayment;
  readonly attempts: readonly PaymentAttempt[];
  readonly orderStatus: 'CONFIRMED' | 'FAILED';
}

export type RecordResult =
  | { readonly kind: 'stop'; readonly settled?: SettledPayment }
  | { readonly kind: 'retry'; readonly retryAtMs: number };

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
  return ctx.db.transaction(async (tx) => {
    const locked = await lockPaymentWithAttempts(tx, paymentId);
    if (!locked) return { kind: 'stop' };
    const { payment, attempts } = locked;
    if (FINAL_STATUSES.has(payment.status) || payment.leaseOwner !== ctx.owner) {
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
    const begun = beginAttempt(payment, attempts);
    if (!begun.ok) throw new Error(`cannot start an attempt: ${begun.error.code}`);
    const started = { ...begun.value.payment, leaseUntil: now + ctx.settings.leaseMs };
    const [lines] = await Promise.all([
      findStockLines(tx, payment.orderId),
      savePaymentState(tx, started, new Date(now)),
    ]);
    return {
      kind: 'attempt',
      payment: started,
      attemptNo: begun.value.attemptNo,
      attempts: attempts.map((a) => a.attempt),
      lines,
    };
  });
}

/**
 * The gateway call (outside any transaction), then transaction 2: the attempt row, the core's
 * decision, and — on a final state — the order, the stock and the journal, all or nothing. The
 * payment is not read again: the start left it PROCESSING and leased to this driver, and the
 * attempt is recorded only if it still is (a compare-and-set; see `appendAttempt`). A driver that
 * lost it stops, its transaction rolled back.
 */
export async function recordAttempt(
  ctx: StepContext,
  started: Extract<StartResult, { kind: 'attempt' }>,
): Promise<RecordResult> {
  const { payment, attemptNo, attempts, lines } = started;
  const callStarted = performance.now();
  const outcome = simulateTokenizedAttempt({
    profile: payment.gatewayToken,
    noiseKey: payment.cardFingerprint,
    attemptNo,
    noise: ctx.settings.noise,
  });
  const latencyMs = Math.round(performance.now() - callStarted);

  let recorded: Recorded;
  try {
    recorded = await ctx.db.transaction(async (tx): Promise<Recorded> => {
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
      const afterDecision = applyAttemptDecision(chained.payment, decision);
      // The attempt row goes in with the payment's new state, if the payment is still ours. Each
      // statement fails itself if what it changes is not as expected, so COMMIT goes out with
      // them: the whole transaction is one round trip.
      const append = async (state: StoredPayment) => {
        const input = { attempt, link: chained.link, payment: state, leaseOwner: ctx.owner };
        await appendAttempt(tx, { ...input, at: now }).catch((error: unknown) => {
          throw isAssertionFailure(error) ? new LeaseLost() : error;
        });
      };

      if (decision.status === 'RETRY') {
        const leaseUntil = decision.nextAttemptAt + ctx.settings.leaseMs;
        await Promise.all([append({ ...afterDecision, leaseUntil }), tx.commit()]);
        return { kind: 'retry', retryAtMs: decision.nextAttemptAt, attempt, after: afterDecision };
      }
      const final = { ...afterDecision, leaseOwner: null, leaseUntil: null };
      const [settled] = await Promise.all([
        settlePayment(tx, final, now, { save: append, lines }),
        tx.commit(),
      ]);
      return {
        kind: 'stop',
        attempt,
        after: afterDecision,
        settled: {
          payment: settled,
          attempts: [...attempts, attempt],
          orderStatus: settled.status === 'SUCCESS' ? 'CONFIRMED' : 'FAILED',
        },
      };
    });
  } catch (error) {
    // Another driver has the payment now (this one's lease ran out): it carries on.
    if (error instanceof LeaseLost) return { kind: 'stop' };
    throw error;
  }
  // Counted once committed: a transaction that rolled back (and is retried) counts nothing.
  if (recorded.attempt) ctx.metrics.attemptRecorded(recorded.attempt.outcome, recorded.after);
  return recorded;
}

/** The payment was no longer this driver's to record: its transaction must roll back. */
class LeaseLost extends Error {
  constructor() {
    super('the payment is no longer leased to this driver');
  }
}
