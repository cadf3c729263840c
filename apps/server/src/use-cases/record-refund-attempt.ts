import {
  ok,
  settleRefundAttempt,
  type RandomSource,
  type RefundAttempt,
  type OrderStatus,
  type RefundGatewayOutcome,
  type RetryPolicy,
} from '@orders/core';
import {
  appendEventsStatement,
  countSucceededRefunds,
  findWholeOrder,
  lockRefundForAttempt,
  recordRefundAttemptStatements,
  type LeaseLost,
  type NewEvent,
  type RefundWithAttempts,
  type Sql,
  type StockShortage,
  type StoredRefund,
} from '@orders/db';
import { orderMovedEvent, refundEvents } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { AttemptDeps } from './start-attempt.js';
import type { StartedRefundAttempt } from './start-refund-attempt.js';

/** A refund that reached its final state, as the transaction that recorded it committed it. */
export interface FinalRefund {
  readonly refund: StoredRefund;
  readonly attempts: readonly RefundAttempt[];
}

/** What recording a refund attempt came to. */
export type RefundAttemptRecord =
  | { readonly kind: 'lost' }
  | { readonly kind: 'retry'; readonly retryAtMs: number }
  | { readonly kind: 'final'; readonly final: FinalRefund };

export interface RecordRefundAttemptDeps extends AttemptDeps {
  readonly policy: RetryPolicy;
  readonly random: RandomSource;
  readonly metrics: DomainMetrics;
}

/**
 * Records the gateway's answer to a started refund attempt, in one transaction: the refund, its
 * payment (for the chain's head and what was refunded before) and its order are locked; core
 * settles the attempt (`settleRefundAttempt`); the attempt, the refund's new state and — when
 * final — its conclusion and its events (`refund.succeeded` with the order's move, or
 * `refund.failed`) go out with COMMIT. A refund no longer PROCESSING under this driver is
 * `lost`, and nothing is written.
 */
export async function recordRefundAttempt(
  deps: RecordRefundAttemptDeps,
  started: StartedRefundAttempt,
  answer: { readonly outcome: RefundGatewayOutcome; readonly latencyMs: number },
): Promise<RefundAttemptRecord> {
  const now = deps.now();
  const recorded = await deps.db.transaction<RefundAttemptRecord, LeaseLost | StockShortage>(
    async (tx) => {
      const locked = await lockRefundForAttempt(tx, started.refund.id);
      if (
        !locked ||
        locked.refund.status !== 'PROCESSING' ||
        locked.refund.leaseOwner !== deps.owner
      ) {
        return ok({ kind: 'lost' } as const);
      }
      const decided = settleRefundAttempt({
        refund: locked.refund,
        attempts: locked.attempts,
        outcome: answer.outcome,
        latencyMs: answer.latencyMs,
        now: now.getTime(),
        policy: deps.policy,
        random: deps.random,
        payment: {
          id: locked.refund.paymentId,
          amount: locked.payment.amount,
          chainHead: locked.payment.chainHead,
        },
        order: { id: locked.refund.orderId, status: locked.orderStatus },
        refundedCents: locked.payment.refundedCents,
      });
      // Locked PROCESSING under this driver: any refusal here is a bug.
      if (!decided.ok) throw new Error(`cannot record the refund attempt: ${decided.error.code}`);
      const { attempt, attemptLink, chainHead, conclusion } = decided.value;
      const after: StoredRefund =
        conclusion === null
          ? {
              ...decided.value.refund,
              leaseUntil: (decided.value.refund.nextAttemptAt ?? now.getTime()) + deps.leaseMs,
            }
          : { ...decided.value.refund, leaseOwner: null, leaseUntil: null };
      const recording = recordRefundAttemptStatements({
        attempt,
        attemptLink,
        refund: after,
        chainHead,
        conclusion,
        leaseOwner: deps.owner,
        at: now,
      });
      const settled = { refund: after, attempts: [...locked.attempts, attempt] };
      const events =
        conclusion === null
          ? []
          : await finalEvents(tx, { refund: locked.refund, attempts: locked.attempts }, settled, {
              orderTo: conclusion.kind === 'succeeded' ? conclusion.transition.to : null,
              at: now,
            });
      const written = await tx.commitWith(
        events.length === 0 ? recording : [...recording, appendEventsStatement(events)],
      );
      if (!written.ok) return written;
      deps.metrics.refundAttemptRecorded(attempt.outcome, after.status);
      deps.metrics.eventsWritten(events);
      if (conclusion === null) {
        return ok({ kind: 'retry', retryAtMs: after.nextAttemptAt ?? now.getTime() } as const);
      }
      return ok({ kind: 'final', final: settled } as const);
    },
  );
  if (recorded.ok) return recorded.value;
  if (recorded.error.kind === 'lease-lost') return { kind: 'lost' };
  // A refund's restock only adds to on-hand: a refusal is a bug.
  throw new Error(
    `refund ${started.refund.id}: its restock of ${recorded.error.move.sku} was refused`,
  );
}

/**
 * The events of a refund reaching its final state, owned by its order's customer: the refund's,
 * then — when it succeeded — the order's move (one per successful refund, even when the order
 * stays PARTIALLY_REFUNDED). The order, locked with the refund, is read whole for its event.
 */
async function finalEvents(
  tx: Sql,
  before: RefundWithAttempts,
  after: RefundWithAttempts,
  how: { readonly orderTo: OrderStatus | null; readonly at: Date },
): Promise<NewEvent[]> {
  const { orderId } = after.refund;
  const [order, succeededBefore] = await Promise.all([
    findWholeOrder(tx, orderId),
    how.orderTo === null ? 0 : countSucceededRefunds(tx, orderId),
  ]);
  if (order === null) throw new Error(`refund ${after.refund.id}: its order is missing`);
  const events = refundEvents(after, before, order.userId, how.at);
  if (how.orderTo === null) return events;
  const succeededRefunds = succeededBefore + 1;
  return [...events, orderMovedEvent(order, how.orderTo, how.at, { succeededRefunds })];
}
