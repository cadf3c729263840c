import type { ChainLink, PaymentAttempt } from '@orders/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  toPaymentAttempt,
  toStoredPayment,
  type AttemptRow,
  type PaymentRow,
  type StoredPayment,
} from './payment.mapper.js';

/** An attempt row with the hashes that chain it. */
export interface ChainedAttempt {
  readonly attempt: PaymentAttempt;
  readonly prevHash: string;
  readonly hash: string;
}

const PAYMENT_COLUMNS = `id, order_id, user_id, status, amount_cents, currency, failure_code, card_brand,
  card_last4, card_fingerprint, gateway_token, fraud_score, fraud_verdict, fraud_signals,
  next_attempt_at, lease_owner, lease_until, chain_head, created_at`;

/**
 * Inserts the payment of an order. `false` when the order already has one: the unique
 * constraint on `order_id`, not a prior read, decides — two racing payers cannot both create one.
 */
export async function insertPayment(em: EntityManager, payment: StoredPayment): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into payments (${PAYMENT_COLUMNS}, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
     on conflict (order_id) do nothing returning id`,
    [
      payment.id,
      payment.orderId,
      payment.userId,
      payment.status,
      payment.amount.amountCents,
      payment.amount.currency,
      payment.failureCode,
      payment.card.brand,
      payment.card.last4,
      payment.cardFingerprint,
      payment.gatewayToken,
      payment.fraud.score,
      payment.fraud.verdict,
      JSON.stringify(payment.fraud.signals),
      toDate(payment.nextAttemptAt),
      payment.leaseOwner,
      toDate(payment.leaseUntil),
      payment.chainHead,
      new Date(payment.createdAt),
      new Date(payment.createdAt),
    ],
  );
  return rows.length === 1;
}

export async function findPaymentByOrder(
  em: EntityManager,
  orderId: string,
): Promise<StoredPayment | null> {
  const rows = await em.execute<PaymentRow[]>(
    `select ${PAYMENT_COLUMNS} from payments where order_id = ?`,
    [orderId],
  );
  return rows[0] ? toStoredPayment(rows[0]) : null;
}

/** The payment, locked for the rest of the transaction (`for update`). */
export async function lockPayment(
  em: EntityManager,
  paymentId: string,
): Promise<StoredPayment | null> {
  const rows = await em.execute<PaymentRow[]>(
    `select ${PAYMENT_COLUMNS} from payments where id = ? for update`,
    [paymentId],
  );
  return rows[0] ? toStoredPayment(rows[0]) : null;
}

/** Writes the payment's mutable state: status, failure, schedule, lease and chain head. */
export async function savePaymentState(
  em: EntityManager,
  payment: StoredPayment,
  at: Date,
): Promise<void> {
  await em.execute(
    `update payments set status = ?, failure_code = ?, next_attempt_at = ?, lease_owner = ?,
       lease_until = ?, chain_head = ?, updated_at = ? where id = ?`,
    [
      payment.status,
      payment.failureCode,
      toDate(payment.nextAttemptAt),
      payment.leaseOwner,
      toDate(payment.leaseUntil),
      payment.chainHead,
      at,
      payment.id,
    ],
  );
}

export async function listAttempts(
  em: EntityManager,
  paymentId: string,
): Promise<ChainedAttempt[]> {
  const rows = await em.execute<AttemptRow[]>(
    `select attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash
     from payment_attempts where payment_id = ? order by attempt_no`,
    [paymentId],
  );
  return rows.map((row) => ({
    attempt: toPaymentAttempt(row),
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

/** Appends an attempt row; (payment, attempt number) is unique, so an attempt is never recorded twice. */
export async function insertAttempt(
  em: EntityManager,
  paymentId: string,
  attempt: PaymentAttempt,
  link: Pick<ChainLink, 'prevHash' | 'hash'>,
): Promise<void> {
  await em.execute(
    `insert into payment_attempts
       (payment_id, attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      paymentId,
      attempt.number,
      attempt.outcome,
      attempt.code,
      attempt.gatewayRef,
      attempt.latencyMs,
      new Date(attempt.at),
      link.prevHash,
      link.hash,
    ],
  );
}

/** Payments the user started since `since` (fraud velocity). */
export async function countPaymentsByUserSince(
  em: EntityManager,
  userId: string,
  since: Date,
): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    'select count(*) as n from payments where user_id = ? and created_at >= ?',
    [userId, since],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Distinct users other than `userId` who used this card fingerprint since `since`. */
export async function countOtherUsersOfCardSince(
  em: EntityManager,
  fingerprint: string,
  userId: string,
  since: Date,
): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `select count(distinct user_id) as n from payments
     where card_fingerprint = ? and user_id <> ? and created_at >= ?`,
    [fingerprint, userId, since],
  );
  return Number(rows[0]?.n ?? 0);
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
