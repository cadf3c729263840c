import {
  assessFraud,
  asPaymentId,
  checkOrderAccess,
  decideIdempotency,
  decidePayment,
  ok,
  type CardProfile,
  type CardSummary,
  type DomainError,
  type OrderStatus,
  type Result,
} from '@orders/core';
import {
  appendEventsStatement,
  claimIdempotencyKey,
  conclusionStatements,
  insertPaymentStatement,
  lockOrderForPayment,
  readPaymentFacts,
  retryTransient,
  type Database,
  type StoredPayment,
} from '@orders/db';
import { orderMovedEvent, paymentEvents } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import type { PaymentView } from './get-payment.js';
import type { StartedAttempt } from './start-attempt.js';

/** `payments.pay`'s idempotency scope. */
export const PAY_SCOPE = 'payments.pay';

export interface CreatePaymentInput {
  readonly paymentId: string;
  readonly userId: string;
  readonly orderId: string;
  /** In memory for the fraud rules only; never stored. */
  readonly cardNumber: string;
  readonly card: CardSummary;
  readonly cardFingerprint: string;
  readonly gatewayToken: CardProfile;
  /** The key claimed for this request, COMPLETED with the payment it creates. */
  readonly idempotency: { readonly key: string; readonly requestHash: string };
  /** The engine that will drive the payment holds its lease from the start. */
  readonly leaseOwner: string;
}

/** What creating the payment came to. */
export type Creation =
  /** The key was used before for this request: that request's payment (if it made one). */
  | { readonly kind: 'replay'; readonly paymentId: string | null }
  /** Fraud rejected it: FAILED_FINAL, the order FAILED, its stock released. */
  | { readonly kind: 'rejected'; readonly payment: StoredPayment }
  /** Created PROCESSING its first attempt, leased to `leaseOwner`. */
  | StartedAttempt;

/**
 * One transaction, two round trips: [BEGIN, the key's claim, the order's lock, the fraud facts
 * read under that lock], then [the payment — and for a fraud rejection its conclusion — COMMIT].
 * The order must be the caller's and payable, the fraud rules score the payment, and core decides
 * it (`decidePayment`): a rejection is concluded at once, anything else is written already
 * PROCESSING its first attempt, so the gateway call follows this commit directly. The events
 * (`payment.created`; for a rejection `payment.failed` and `order.failed` too) commit with it. A refusal rolls
 * everything back, the key included.
 */
export function createPayment(
  deps: { db: Database; settings: PaymentSettings; now: () => Date; metrics: DomainMetrics },
  input: CreatePaymentInput,
): Promise<Result<Creation, DomainError>> {
  return retryTransient(() =>
    deps.db.transaction(async (tx): Promise<Result<Creation, DomainError>> => {
      const now = deps.now();
      const { fraud: rules } = deps.settings;
      const [claim, locked, facts] = await Promise.all([
        claimIdempotencyKey(tx, {
          userId: input.userId,
          scope: PAY_SCOPE,
          key: input.idempotency.key,
          requestHash: input.idempotency.requestHash,
          resourceId: input.paymentId,
          at: now,
        }),
        lockOrderForPayment(tx, input.orderId),
        // At READ COMMITTED this statement sees what the order lock's previous holder committed.
        readPaymentFacts(tx, {
          orderId: input.orderId,
          userId: input.userId,
          cardFingerprint: input.cardFingerprint,
          velocitySince: new Date(now.getTime() - rules.userVelocity.windowMs),
          // USER_VELOCITY fires once the earlier payments reach maxPayments, CARD_SHARED once the
          // other users reach maxUsers: counting further changes nothing.
          velocityCap: rules.userVelocity.maxPayments,
          cardSince: new Date(now.getTime() - rules.cardShared.windowMs),
          cardCap: rules.cardShared.maxUsers,
        }),
      ]);
      if (!claim.claimed) {
        const { record } = claim;
        const replay = decideIdempotency(
          { key: input.idempotency.key, ...record },
          input.idempotency.requestHash,
        );
        return replay.ok ? ok({ kind: 'replay', paymentId: record.resourceId }) : replay;
      }
      const access = checkOrderAccess(locked, input);
      if (!access.ok) return access;
      const { order, lines } = access.value;
      const fraud = assessFraud(
        {
          amountCents: order.total.amountCents,
          cardNumber: input.cardNumber,
          // Both counts include the payment being assessed.
          recentPaymentsByUser: facts.paymentsByUser + 1,
          distinctUsersForCard: facts.otherUsersOfCard + 1,
          accountAgeMs: facts.userCreatedAt === null ? 0 : now.getTime() - facts.userCreatedAt,
        },
        rules,
      );
      const decided = decidePayment({
        id: asPaymentId(input.paymentId),
        order,
        existingPayment: facts.existingPayment,
        card: input.card,
        fraud,
        now: now.getTime(),
        lines,
      });
      if (!decided.ok) return decided;
      const stored = { cardFingerprint: input.cardFingerprint, gatewayToken: input.gatewayToken };

      if (decided.value.kind === 'rejected') {
        const { payment: rejected, ...conclusion } = decided.value.conclusion;
        const payment: StoredPayment = {
          ...rejected,
          ...stored,
          leaseOwner: null,
          leaseUntil: null,
        };
        const events = [
          ...paymentEvents(paymentView(payment, 'FAILED'), null, now),
          orderMovedEvent(order, 'FAILED', now),
        ];
        const written = await tx.commitWith([
          insertPaymentStatement(payment),
          ...conclusionStatements(conclusion, now),
          appendEventsStatement(events),
        ]);
        // The locked order holds its reservations: a refused release is a bug.
        if (!written.ok) throw new Error(`order ${input.orderId} did not hold its reservations`);
        deps.metrics.eventsWritten(events);
        return ok({ kind: 'rejected', payment });
      }
      const payment: StoredPayment = {
        ...decided.value.payment,
        ...stored,
        leaseOwner: input.leaseOwner,
        leaseUntil: now.getTime() + deps.settings.leaseMs,
      };
      const events = paymentEvents(paymentView(payment, 'PENDING'), null, now);
      const written = await tx.commitWith([
        insertPaymentStatement(payment),
        appendEventsStatement(events),
      ]);
      if (!written.ok) throw new Error('inserting a payment has no refusals');
      deps.metrics.eventsWritten(events);
      return ok({
        kind: 'attempt',
        payment,
        attemptNo: decided.value.attemptNo,
        attempts: [],
        lines,
        order,
      });
    }),
  );
}

/** A new payment as the API shows it: no attempts or refunds yet, its order in `orderStatus`. */
function paymentView(payment: StoredPayment, orderStatus: OrderStatus): PaymentView {
  return {
    payment,
    attempts: [],
    order: { id: payment.orderId, status: orderStatus },
    refunds: [],
  };
}
