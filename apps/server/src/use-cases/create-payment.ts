import {
  assessFraud,
  asOrderId,
  asPaymentId,
  beginAttempt,
  err,
  initiatePayment,
  ok,
  type CardProfile,
  type CardSummary,
  type DomainError,
  type Result,
} from '@orders/core';
import {
  insertPayment,
  lockOrderForPayment,
  readPaymentFacts,
  retryTransient,
  runInTransaction,
  type Database,
  type Sql,
  type StoredPayment,
} from '@orders/db';
import type { StartedAttempt } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import { settlePayment } from '../payments/settle-payment.js';

export interface CreatePaymentInput {
  readonly paymentId: string;
  readonly userId: string;
  readonly orderId: string;
  /** In memory for the fraud rules only; never stored. */
  readonly cardNumber: string;
  readonly card: CardSummary;
  readonly cardFingerprint: string;
  readonly gatewayToken: CardProfile;
  /** The engine that will drive the payment holds its lease from the start. */
  readonly leaseOwner: string;
  /**
   * Runs first inside the creating transaction (the idempotency key is claimed there): `ok`
   * goes on, `err` ends the transaction with that answer.
   */
  readonly claim: (tx: Sql) => Promise<Result<void, CreateRefusal>>;
}

/** Why no payment was created: a business refusal, or the key already names one. */
export type CreateRefusal =
  | { readonly kind: 'refused'; readonly error: DomainError }
  | { readonly kind: 'replay'; readonly paymentId: string | null };

/** What was created: a payment at its first attempt, or one the fraud rules ended at once. */
export type Created =
  StartedAttempt | { readonly kind: 'rejected'; readonly payment: StoredPayment };

/**
 * One transaction: the idempotency key is claimed; the order (locked, so two payers of one order
 * queue here) must be the caller's and payable; the fraud rules score the payment; the core
 * creates it. A fraud rejection is FAILED_FINAL at once, which also fails the order and releases
 * its stock. Otherwise the payment is written already PROCESSING its first attempt, leased to
 * `leaseOwner`: the gateway call follows this commit, with no transaction of its own to start it.
 */
export function createPayment(
  deps: { db: Database; settings: PaymentSettings; now: () => Date },
  input: CreatePaymentInput,
): Promise<Result<Created, CreateRefusal>> {
  // A refusal rolls the transaction back: nothing of the request remains, not even its key.
  return retryTransient(() =>
    runInTransaction(deps.db, async (tx): Promise<Result<Created, CreateRefusal>> => {
      const now = deps.now();
      const { fraud: rules } = deps.settings;
      // One round trip: the key's claim, the order's lock, then the facts read under that lock
      // (at READ COMMITTED the facts statement sees what the lock's previous holder committed).
      const [claimed, locked, facts] = await Promise.all([
        input.claim(tx),
        lockOrderForPayment(tx, input.orderId),
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
      if (!claimed.ok) return claimed;
      const refuse = (error: DomainError) => err<CreateRefusal>({ kind: 'refused', error });
      if (!locked || locked.order.userId !== input.userId) {
        return refuse({ code: 'ORDER.NOT_FOUND', orderId: asOrderId(input.orderId) });
      }
      const { order, lines } = locked;
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
      const initiated = initiatePayment({
        id: asPaymentId(input.paymentId),
        order,
        existingPayment: facts.existingPayment,
        card: input.card,
        fraud,
        now: now.getTime(),
      });
      if (!initiated.ok) return refuse(initiated.error);

      const created = initiated.value;
      const stored = {
        ...created,
        cardFingerprint: input.cardFingerprint,
        gatewayToken: input.gatewayToken,
      };
      if (created.status === 'FAILED_FINAL') {
        const payment = { ...stored, leaseOwner: null, leaseUntil: null };
        const save = (final: StoredPayment) => insertPayment(tx, final);
        return ok({
          kind: 'rejected',
          payment: await settlePayment(tx, payment, now, { save, lines }),
        });
      }
      const begun = beginAttempt(stored, []);
      if (!begun.ok) throw new Error(`a new payment cannot start: ${begun.error.code}`);
      const payment: StoredPayment = {
        ...begun.value.payment,
        leaseOwner: input.leaseOwner,
        leaseUntil: now.getTime() + deps.settings.leaseMs,
      };
      // Nothing is left to check once the payment is in: COMMIT goes out with it.
      await Promise.all([insertPayment(tx, payment), tx.commit()]);
      return ok({
        kind: 'attempt',
        payment,
        attemptNo: begun.value.attemptNo,
        attempts: [],
        lines,
      });
    }),
  );
}
