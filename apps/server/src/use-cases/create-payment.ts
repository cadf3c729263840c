import {
  assessFraud,
  asOrderId,
  asPaymentId,
  err,
  initiatePayment,
  ok,
  type CardProfile,
  type CardSummary,
  type DomainError,
  type Result,
} from '@orders/core';
import {
  countOtherUsersOfCardSince,
  countPaymentsByUserSince,
  createUserRepository,
  findPaymentByOrder,
  insertPayment,
  lockOrder,
  retryTransient,
  runInTransaction,
  type EntityManager,
  type StoredPayment,
} from '@orders/db';
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
  /** Runs inside the creating transaction (the idempotency key is completed there). */
  readonly onCreated: (em: EntityManager, paymentId: string) => Promise<void>;
}

/**
 * One transaction: the order (locked, so two payers of one order queue here) must be the
 * caller's and payable; the fraud rules score the payment; the core creates it — INITIATED, or
 * FAILED_FINAL on a fraud rejection, which also fails the order and releases its stock.
 */
export function createPayment(
  deps: { em: EntityManager; settings: PaymentSettings; now: () => Date },
  input: CreatePaymentInput,
): Promise<Result<{ paymentId: string; final: boolean }, DomainError>> {
  // A business failure rolls the transaction back: nothing of the attempt remains.
  return retryTransient(() =>
    runInTransaction(deps.em.fork(), async (em) => {
      const order = await lockOrder(em, input.orderId);
      if (!order || order.userId !== input.userId) {
        return err<DomainError>({ code: 'ORDER.NOT_FOUND', orderId: asOrderId(input.orderId) });
      }
      const now = deps.now();
      const fraud = assessFraud(
        await fraudContext(em, deps.settings, input, order.total.amountCents, now),
        deps.settings.fraud,
      );
      const initiated = initiatePayment({
        id: asPaymentId(input.paymentId),
        order,
        existingPayment: await findPaymentByOrder(em, input.orderId),
        card: input.card,
        fraud,
        now: now.getTime(),
      });
      if (!initiated.ok) return initiated;

      const final = initiated.value.status === 'FAILED_FINAL';
      let payment: StoredPayment = {
        ...initiated.value,
        cardFingerprint: input.cardFingerprint,
        gatewayToken: input.gatewayToken,
        leaseOwner: final ? null : input.leaseOwner,
        leaseUntil: final ? null : now.getTime() + deps.settings.leaseMs,
      };
      if (!(await insertPayment(em, payment))) {
        throw new Error('a payment appeared for a locked order'); // the lock makes this a bug
      }
      if (final) payment = await settlePayment(em, payment, now);
      await input.onCreated(em, payment.id);
      return ok({ paymentId: payment.id, final });
    }),
  );
}

/** The facts the fraud rules need, counted in the database (several instances share it). */
async function fraudContext(
  em: EntityManager,
  settings: PaymentSettings,
  input: CreatePaymentInput,
  amountCents: number,
  now: Date,
) {
  const since = (ms: number) => new Date(now.getTime() - ms);
  const user = await createUserRepository(em).findById(input.userId);
  const earlierPayments = await countPaymentsByUserSince(
    em,
    input.userId,
    since(settings.fraud.userVelocity.windowMs),
  );
  const otherUsers = await countOtherUsersOfCardSince(
    em,
    input.cardFingerprint,
    input.userId,
    since(settings.fraud.cardShared.windowMs),
  );
  return {
    amountCents,
    cardNumber: input.cardNumber,
    // Both counts include the payment being assessed.
    recentPaymentsByUser: earlierPayments + 1,
    distinctUsersForCard: otherUsers + 1,
    accountAgeMs: user ? now.getTime() - user.createdAt.getTime() : 0,
  };
}
