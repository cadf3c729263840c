import {
  settleAttempt,
  type OrderStatus,
  type PaymentAttempt,
  type RandomSource,
  type RetryPolicy,
} from '@orders/core';
import {
  appendEventsStatement,
  conclusionStatements,
  recordAttemptStatement,
  type LeaseLost,
  type NewEvent,
  type StockShortage,
  type Statement,
  type StoredPayment,
} from '@orders/db';
import { orderMovedEvent, paymentEvents } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { GatewayAnswer } from '../payments/gateway.js';
import type { AttemptDeps, StartedAttempt } from './start-attempt.js';

/** A payment that reached its final state, as the transaction that recorded its last attempt committed it. */
export interface FinalPayment {
  readonly payment: StoredPayment;
  readonly attempts: readonly PaymentAttempt[];
  readonly orderStatus: Extract<OrderStatus, 'CONFIRMED' | 'FAILED'>;
}

/** What recording an attempt came to. */
export type AttemptRecord =
  /** Another driver has the payment now (this one's lease ran out): it carries on. */
  | { readonly kind: 'lost' }
  | { readonly kind: 'retry'; readonly retryAtMs: number }
  | { readonly kind: 'final'; readonly final: FinalPayment };

export interface RecordAttemptDeps extends AttemptDeps {
  readonly policy: RetryPolicy;
  readonly random: RandomSource;
  readonly metrics: DomainMetrics;
}

/**
 * Records the gateway's answer to a started attempt, in one transaction and one round trip: core
 * settles it (`settleAttempt`: the attempt row, the payment's new state, and for a final state the
 * order's move, its stock and the capture) and everything goes out with COMMIT, the events too
 * (`payment.attempt_failed` for a failed attempt; a final state's payment and order events). The payment is not
 * read again: its start left it PROCESSING and leased to this driver, and the attempt is recorded
 * only if it still is (a compare-and-set) — otherwise `lost`, and nothing is written.
 */
export async function recordAttempt(
  deps: RecordAttemptDeps,
  started: StartedAttempt,
  answer: GatewayAnswer,
): Promise<AttemptRecord> {
  const now = deps.now();
  const decided = settleAttempt({
    payment: started.payment,
    attempts: started.attempts,
    outcome: answer.outcome,
    latencyMs: answer.latencyMs,
    now: now.getTime(),
    policy: deps.policy,
    random: deps.random,
    lines: started.lines,
  });
  // The start left the payment PROCESSING: any other state here is a bug.
  if (!decided.ok) throw new Error(`cannot record the attempt: ${decided.error.code}`);
  const { attempt, attemptLink, conclusion } = decided.value;
  // The lease: held until a retry is due (and a little past it); given back when final.
  const after: StoredPayment =
    conclusion === null
      ? {
          ...decided.value.payment,
          leaseUntil: (decided.value.payment.nextAttemptAt ?? now.getTime()) + deps.leaseMs,
        }
      : { ...decided.value.payment, leaseOwner: null, leaseUntil: null };

  const events = attemptEvents(started, after, attempt, conclusion?.transition.to, now);
  const statements: Statement<LeaseLost | StockShortage>[] = [
    // First: if the payment is no longer this driver's, that is the refusal reported.
    recordAttemptStatement({
      attempt,
      link: attemptLink,
      payment: after,
      leaseOwner: deps.owner,
      at: now,
    }),
    ...(conclusion === null ? [] : conclusionStatements(conclusion, now)),
    appendEventsStatement(events),
  ];
  const written = await deps.db.transaction((tx) => tx.commitWith(statements));
  if (!written.ok) {
    if (written.error.kind === 'lease-lost') return { kind: 'lost' };
    // The order holds its reservations until its payment settles: a refusal is a bug.
    throw new Error(
      `payment ${after.id}: its order did not hold its reserved ${written.error.move.sku}`,
    );
  }
  // Counted once committed: a transaction that rolled back (and is retried) counts nothing.
  deps.metrics.attemptRecorded(attempt.outcome, after);
  deps.metrics.eventsWritten(events);
  if (conclusion === null)
    return { kind: 'retry', retryAtMs: after.nextAttemptAt ?? now.getTime() };
  const orderStatus = conclusion.transition.to === 'CONFIRMED' ? 'CONFIRMED' : 'FAILED';
  return {
    kind: 'final',
    final: { payment: after, attempts: [...started.attempts, attempt], orderStatus },
  };
}

/**
 * The events of a recorded attempt: the payment's (before and after it, as the API shows it) and,
 * when the attempt settles the payment, the order's move.
 */
function attemptEvents(
  started: StartedAttempt,
  after: StoredPayment,
  attempt: PaymentAttempt,
  orderTo: OrderStatus | undefined,
  now: Date,
): NewEvent[] {
  const order = { id: started.order.id, status: started.order.status };
  const before = { payment: started.payment, attempts: started.attempts, order, refunds: [] };
  const settled = {
    payment: after,
    attempts: [...started.attempts, attempt],
    order: { ...order, status: orderTo ?? order.status },
    refunds: [],
  };
  const events = paymentEvents(settled, before, now, attempt.outcome);
  return orderTo === undefined ? events : [...events, orderMovedEvent(started.order, orderTo, now)];
}
