import {
  asOrderId,
  asRefundId,
  decideIdempotency,
  decideRefund,
  domainError,
  err,
  ok,
  type DomainError,
  type RefundRequest,
  type Result,
} from '@orders/core';
import {
  appendEventsStatement,
  claimIdempotencyKey,
  createRefundStatements,
  lockRefundSubject,
  retryTransient,
  type Database,
  type OverCap,
  type OverRestock,
  type StoredRefund,
} from '@orders/db';
import { refundEvents } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { PaymentSettings } from '../payments/payment-settings.js';

interface RefundDeps {
  readonly db: Database;
  readonly settings: PaymentSettings;
  readonly now: () => Date;
  readonly metrics: DomainMetrics;
}
import type { StartedRefundAttempt } from './start-refund-attempt.js';

/** `refunds.create`'s idempotency scope. */
export const REFUND_SCOPE = 'refunds.create';

export interface CreateRefundInput {
  readonly refundId: string;
  /** The admin asking: idempotency keys are theirs. */
  readonly adminId: string;
  readonly orderId: string;
  readonly request: RefundRequest;
  readonly idempotency: { readonly key: string; readonly requestHash: string };
  /** The engine that will drive the refund holds its lease from the start. */
  readonly leaseOwner: string;
}

/** What creating the refund came to. */
export type RefundCreationResult =
  /** The key was used before for this request: that request's refund. */
  | { readonly kind: 'replay'; readonly refundId: string | null }
  /** Created PROCESSING its first attempt, leased to `leaseOwner`. */
  | StartedRefundAttempt;

/**
 * One transaction, two round trips: [BEGIN, the key's claim, the order — locked, so refunds of one
 * order are decided one at a time — with its payment and refunds], then [the holds and the refund,
 * COMMIT]. Core decides (`decideRefund`: refundable, within the cap, restock within what was
 * bought); the database holds the amount against the capture and the restock against the order's
 * lines by conditional UPDATEs, the cap's enforcement whatever else runs. A refusal rolls it all
 * back, the key included.
 */
export async function createRefund(
  deps: RefundDeps,
  input: CreateRefundInput,
): Promise<Result<RefundCreationResult, DomainError>> {
  // A hold refused means the books moved between the decision and the write (the order's lock
  // makes that a rare race, if not a bug): deciding again on the fresh state answers it.
  for (let tries = 0; ; tries++) {
    const created = await retryTransient(() => createIn(deps, input));
    if (created.ok || !('kind' in created.error))
      return created as Result<RefundCreationResult, DomainError>;
    if (tries >= 2)
      throw new Error(`refund of order ${input.orderId}: its holds kept being refused`);
  }
}

function createIn(
  deps: RefundDeps,
  input: CreateRefundInput,
): Promise<Result<RefundCreationResult, DomainError | OverCap | OverRestock>> {
  return deps.db.transaction<RefundCreationResult, DomainError | OverCap | OverRestock>(
    async (tx) => {
      const now = deps.now();
      const [claim, subject] = await Promise.all([
        claimIdempotencyKey(tx, {
          userId: input.adminId,
          scope: REFUND_SCOPE,
          key: input.idempotency.key,
          requestHash: input.idempotency.requestHash,
          resourceId: input.refundId,
          at: now,
        }),
        lockRefundSubject(tx, input.orderId),
      ]);
      if (!claim.claimed) {
        const replay = decideIdempotency(
          { key: input.idempotency.key, ...claim.record },
          input.idempotency.requestHash,
        );
        return replay.ok
          ? ok({ kind: 'replay', refundId: claim.record.resourceId } as const)
          : replay;
      }
      if (subject === null) {
        return err(domainError('ORDER.NOT_FOUND', { orderId: asOrderId(input.orderId) }));
      }
      const decided = decideRefund(subject.subject, input.request, {
        id: asRefundId(input.refundId),
        now: now.getTime(),
      });
      if (!decided.ok) return decided;
      const refund: StoredRefund = {
        ...decided.value.refund,
        leaseOwner: input.leaseOwner,
        leaseUntil: now.getTime() + deps.settings.leaseMs,
      };
      const created = refundEvents(
        { refund, attempts: [] },
        null,
        subject.subject.order.userId,
        now,
      );
      const written = await tx.commitWith([
        ...createRefundStatements(refund),
        appendEventsStatement(created),
      ]);
      if (!written.ok) return written;
      deps.metrics.eventsWritten(created);
      return ok({
        kind: 'attempt',
        refund,
        attemptNo: decided.value.attemptNo,
        attempts: [],
        // A refundable order has a SUCCESS payment, and every payment has its card's token.
        gatewayToken: subject.gatewayToken ?? 'APPROVE',
      } as const);
    },
  );
}
