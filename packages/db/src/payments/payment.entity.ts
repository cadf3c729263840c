import {
  FRAUD_VERDICTS,
  PAYMENT_STATUSES,
  type AttemptOutcome,
  type CardBrand,
  type Currency,
  type FailureCode,
} from '@orders/core';
import { defineEntity } from '@mikro-orm/core';
import { OrderSchema } from '../orders/order.entity.js';
import { UserSchema } from '../users/user.entity.js';

/** `payments`: one per order (unique), its state, card summary, fraud verdict and lease. */
export const PaymentSchema = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: (p) => ({
    id: p.uuid().primary(),
    orderId: p
      .manyToOne(OrderSchema)
      .mapToPk()
      .joinColumn('order_id')
      .updateRule('no action')
      .unique('payments_one_per_order'),
    userId: p.manyToOne(UserSchema).mapToPk().joinColumn('user_id').updateRule('no action'),
    status: p.enum([...PAYMENT_STATUSES]),
    amountCents: p.bigint('number'),
    currency: p.text().$type<Currency>(),
    failureCode: p.text().$type<FailureCode>().nullable(),
    cardBrand: p.text().$type<CardBrand>(),
    cardLast4: p.text(),
    cardFingerprint: p.text(),
    gatewayToken: p.text(),
    fraudScore: p.integer(),
    fraudVerdict: p.enum([...FRAUD_VERDICTS]),
    fraudSignals: p.json<unknown>(),
    nextAttemptAt: p.datetime().nullable(),
    leaseOwner: p.text().nullable(),
    leaseUntil: p.datetime().nullable(),
    chainHead: p.text(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    refundHeldCents: p.bigint('number').default(0),
    refundedCents: p.bigint('number').default(0),
  }),
  indexes: [
    { name: 'payments_user_created', properties: ['userId', 'createdAt'] },
    { name: 'payments_card_user_created', properties: ['cardFingerprint', 'userId', 'createdAt'] },
    {
      name: 'payments_due',
      expression:
        'create index "payments_due" on "payments" (coalesce(next_attempt_at, lease_until))' +
        " where status in ('INITIATED', 'PROCESSING', 'RETRY')",
    },
  ],
  checks: [
    {
      name: 'payments_failure_code_when_failed',
      expression:
        "(status = 'FAILED_FINAL') = (failure_code is not null) and (failure_code is null" +
        " or failure_code = any (array['FRAUD_REJECTED', 'CARD_DECLINED', 'INSUFFICIENT_FUNDS'," +
        " 'RETRIES_EXHAUSTED']))",
    },
    {
      name: 'payments_retry_has_time',
      expression: "(status = 'RETRY') = (next_attempt_at is not null)",
    },
    { name: 'payments_amount_positive', expression: 'amount_cents > 0' },
    { name: 'payments_last4', expression: "card_last4 ~ '^[0-9]{4}$'" },
    {
      name: 'payments_refunds_within_capture',
      expression:
        'refunded_cents >= 0 and refunded_cents <= refund_held_cents' +
        ' and refund_held_cents <= amount_cents',
    },
  ],
});

/** The outcomes `payment_attempts_outcome_known` allows, in its order. */
const ATTEMPT_OUTCOMES = ['APPROVED', 'DECLINED', 'ERROR'] as const satisfies AttemptOutcome[];

/** `payment_attempts`: one row per gateway attempt, append-only, hash-chained. */
export const PaymentAttemptSchema = defineEntity({
  name: 'PaymentAttempt',
  tableName: 'payment_attempts',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    paymentId: p
      .manyToOne(PaymentSchema)
      .mapToPk()
      .joinColumn('payment_id')
      .updateRule('no action'),
    attemptNo: p.smallint(),
    outcome: p.enum([...ATTEMPT_OUTCOMES]),
    code: p.text().nullable(),
    gatewayRef: p.text().nullable(),
    latencyMs: p.integer(),
    at: p.datetime(),
    prevHash: p.text(),
    hash: p.text(),
  }),
  uniques: [{ name: 'payment_attempts_once', properties: ['paymentId', 'attemptNo'] }],
});
