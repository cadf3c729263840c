import {
  REFUND_REASONS,
  REFUND_STATUSES,
  type Currency,
  type RefundFailureCode,
} from '@orders/core';
import { defineEntity } from '@mikro-orm/core';
import { OrderSchema } from '../orders/order.entity.js';
import { PaymentSchema } from '../payments/payment.entity.js';
import { UserSchema } from '../users/user.entity.js';

/** `refunds`: one row per refund of a payment, its state, amount, restock and lease. */
export const RefundSchema = defineEntity({
  name: 'Refund',
  tableName: 'refunds',
  properties: (p) => ({
    id: p.uuid().primary(),
    paymentId: p
      .manyToOne(PaymentSchema)
      .mapToPk()
      .joinColumn('payment_id')
      .updateRule('no action'),
    orderId: p.manyToOne(OrderSchema).mapToPk().joinColumn('order_id').updateRule('no action'),
    userId: p.manyToOne(UserSchema).mapToPk().joinColumn('user_id').updateRule('no action'),
    amountCents: p.bigint('number'),
    currency: p.text().$type<Currency>(),
    reason: p.enum([...REFUND_REASONS]),
    note: p.text().nullable(),
    status: p.enum([...REFUND_STATUSES]),
    failureCode: p.text().$type<RefundFailureCode>().nullable(),
    restock: p.json<unknown>(),
    nextAttemptAt: p.datetime().nullable(),
    leaseOwner: p.text().nullable(),
    leaseUntil: p.datetime().nullable(),
    createdAt: p.datetime(),
    settledAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  }),
  indexes: [
    { name: 'refunds_payment', properties: ['paymentId', 'createdAt'] },
    { name: 'refunds_order', properties: ['orderId', 'createdAt'] },
    {
      name: 'refunds_due',
      expression:
        'create index "refunds_due" on "refunds" (coalesce(next_attempt_at, lease_until))' +
        " where status in ('PENDING', 'PROCESSING', 'RETRY')",
    },
  ],
  checks: [
    { name: 'refunds_amount_positive', expression: 'amount_cents > 0' },
    {
      name: 'refunds_failure_code_when_failed',
      expression:
        "(status = 'FAILED') = (failure_code is not null) and (failure_code is null" +
        " or failure_code = any (array['REFUND_FAILED', 'RETRIES_EXHAUSTED']))",
    },
    {
      name: 'refunds_retry_has_time',
      expression: "(status = 'RETRY') = (next_attempt_at is not null)",
    },
    { name: 'refunds_note_length', expression: 'note is null or length(note) <= 500' },
  ],
});

/** The outcomes `refund_attempts_outcome_known` allows, in its order. */
const ATTEMPT_OUTCOMES = ['APPROVED', 'DECLINED', 'ERROR'] as const;

/** `refund_attempts`: one row per gateway attempt of a refund, append-only, hash-chained. */
export const RefundAttemptSchema = defineEntity({
  name: 'RefundAttempt',
  tableName: 'refund_attempts',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    refundId: p.manyToOne(RefundSchema).mapToPk().joinColumn('refund_id').updateRule('no action'),
    attemptNo: p.smallint(),
    outcome: p.enum([...ATTEMPT_OUTCOMES]),
    code: p.text().nullable(),
    gatewayRef: p.text().nullable(),
    latencyMs: p.integer(),
    at: p.datetime(),
    prevHash: p.text(),
    hash: p.text(),
  }),
  uniques: [{ name: 'refund_attempts_once', properties: ['refundId', 'attemptNo'] }],
});
