import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** `payments`: one per order (unique), its state, card summary, fraud verdict and lease. */
export const PaymentSchema = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: (p) => ({
    id: p.uuid().primary(),
    orderId: p.uuid().unique(),
    userId: p.uuid(),
    status: p.string(),
    amountCents: p.bigint('number'),
    currency: p.string(),
    failureCode: p.string().nullable(),
    cardBrand: p.string(),
    cardLast4: p.string(),
    cardFingerprint: p.string(),
    gatewayToken: p.string(),
    fraudScore: p.integer(),
    fraudVerdict: p.string(),
    fraudSignals: p.json<unknown>(),
    nextAttemptAt: p.datetime().nullable(),
    leaseOwner: p.string().nullable(),
    leaseUntil: p.datetime().nullable(),
    chainHead: p.string(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

/** `payment_attempts`: one row per gateway attempt, append-only, hash-chained. */
export const PaymentAttemptSchema = defineEntity({
  name: 'PaymentAttempt',
  tableName: 'payment_attempts',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    paymentId: p.uuid(),
    attemptNo: p.integer(),
    outcome: p.string(),
    code: p.string().nullable(),
    gatewayRef: p.string().nullable(),
    latencyMs: p.integer(),
    at: p.datetime(),
    prevHash: p.string(),
    hash: p.string(),
  }),
});

export type PaymentEntity = InferEntity<typeof PaymentSchema>;
export type PaymentAttemptEntity = InferEntity<typeof PaymentAttemptSchema>;
