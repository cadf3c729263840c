import {
  asPaymentId,
  type ChainLink,
  type Payment,
  type PaymentConclusion,
  type PaymentAttempt,
  type PaymentId,
  type PaymentStatus,
} from '@orders/core';
import type { Sql } from '../database.js';
import { guarded, statement, type Statement } from '../statement.js';
import { stockMoveStatements, type StockShortage } from '../inventory/stock-moves.js';
import { journalEntryStatement } from '../ledger/ledger.repository.js';
import { orderTransitionStatement } from '../orders/order.repository.js';
import {
  toPaymentAttempt,
  toStoredPayment,
  type AttemptRow,
  type PaymentRow,
  type StoredPayment,
} from './payment.mapper.js';
import { epoch, type DbTime } from '../sql-values.js';

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
 * The payment of an order. The unique constraint on `order_id`, not a prior read, keeps it to
 * one: a second is refused with a unique violation (`payments_one_per_order`), which fails the
 * transaction — two racing payers cannot both create one.
 */
export function insertPaymentStatement(payment: StoredPayment): Statement {
  return statement(
    `insert into payments (${PAYMENT_COLUMNS}, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)`,
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
}

export async function findPaymentByOrder(db: Sql, orderId: string): Promise<StoredPayment | null> {
  const rows = await db.execute<PaymentRow[]>(
    `select ${PAYMENT_COLUMNS} from payments where order_id = ?`,
    [orderId],
  );
  return rows[0] ? toStoredPayment(rows[0]) : null;
}

/**
 * The payment, locked for the rest of the transaction, with its attempts in number order: one
 * statement where a lock and a list would be two.
 */
export async function lockPaymentWithAttempts(
  db: Sql,
  paymentId: string,
): Promise<{ payment: StoredPayment; attempts: ChainedAttempt[] } | null> {
  const rows = await db.execute<(PaymentRow & { attempts: AttemptRow[] })[]>(
    `select ${PAYMENT_COLUMNS},
       (select coalesce(json_agg(json_build_object('attempt_no', a.attempt_no,
          'outcome', a.outcome, 'code', a.code, 'gateway_ref', a.gateway_ref,
          'latency_ms', a.latency_ms, 'at', a.at, 'prev_hash', a.prev_hash, 'hash', a.hash)
          order by a.attempt_no), '[]')
          from payment_attempts a where a.payment_id = payments.id) as attempts
     from payments where id = ? for update of payments`,
    [paymentId],
  );
  const row = rows[0];
  return row ? { payment: toStoredPayment(row), attempts: row.attempts.map(toChained) } : null;
}

/** What the fraud rules and the one-payment-per-order rule need, counted in the database. */
export interface PaymentFacts {
  /** When the payer's account was created (epoch ms); null if it is gone. */
  readonly userCreatedAt: number | null;
  /** Payments the user started since `velocitySince`, counted up to `velocityCap`. */
  readonly paymentsByUser: number;
  /** Distinct users other than the payer who used the card since `cardSince`, up to `cardCap`. */
  readonly otherUsersOfCard: number;
  /** The order's payment, if it already has one. */
  readonly existingPayment: { readonly id: PaymentId; readonly status: PaymentStatus } | null;
}

/**
 * The facts for creating an order's payment, in one statement. Read them after locking the
 * order: at READ COMMITTED this statement then sees whatever the previous holder committed.
 *
 * The counts stop at their caps (the fraud thresholds: a rule only asks whether a count reaches
 * it), so a user or card with thousands of recent payments — an attack the rules exist for —
 * costs no more to assess than one at the threshold. The card's other users are read from the
 * index ranges on either side of the payer's own id, never the payer's own payments.
 */
export async function readPaymentFacts(
  db: Sql,
  input: {
    orderId: string;
    userId: string;
    cardFingerprint: string;
    velocitySince: Date;
    velocityCap: number;
    cardSince: Date;
    cardCap: number;
  },
): Promise<PaymentFacts> {
  const rows = await db.execute<
    {
      user_created_at: DbTime | null;
      by_user: string;
      other_users: string;
      payment_id: string | null;
      payment_status: PaymentStatus | null;
    }[]
  >(
    `select (select created_at from users where id = ?) as user_created_at,
       (select count(*) from (select 1 from payments
         where user_id = ? and created_at >= ? limit ?) as mine) as by_user,
       (select count(*) from (select distinct user_id from (
           select user_id from payments
            where card_fingerprint = ? and user_id < ? and created_at >= ?
           union all
           select user_id from payments
            where card_fingerprint = ? and user_id > ? and created_at >= ?) as card_users
         limit ?) as others) as other_users,
       p.id as payment_id, p.status as payment_status
     from (select 1) as one left join payments p on p.order_id = ?`,
    [
      input.userId,
      input.userId,
      input.velocitySince,
      input.velocityCap,
      input.cardFingerprint,
      input.userId,
      input.cardSince,
      input.cardFingerprint,
      input.userId,
      input.cardSince,
      input.cardCap,
      input.orderId,
    ],
  );
  const row = rows[0];
  if (row === undefined) throw new Error('payment facts query returned no row');
  return {
    userCreatedAt: row.user_created_at === null ? null : epoch(row.user_created_at),
    paymentsByUser: Number(row.by_user),
    otherUsersOfCard: Number(row.other_users),
    existingPayment:
      row.payment_id === null || row.payment_status === null
        ? null
        : { id: asPaymentId(row.payment_id), status: row.payment_status },
  };
}

const UPDATE_STATE = `update payments set status = ?, failure_code = ?, next_attempt_at = ?,
  lease_owner = ?, lease_until = ?, chain_head = ?, updated_at = ? where id = ?`;

function stateParams(payment: StoredPayment, at: Date): unknown[] {
  return [
    payment.status,
    payment.failureCode,
    toDate(payment.nextAttemptAt),
    payment.leaseOwner,
    toDate(payment.leaseUntil),
    payment.chainHead,
    at,
    payment.id,
  ];
}

/** The payment's mutable state — status, failure, schedule, lease and chain head — written. */
export function savePaymentStateStatement(payment: StoredPayment, at: Date): Statement {
  return statement(UPDATE_STATE, stateParams(payment, at));
}

export async function listAttempts(db: Sql, paymentId: string): Promise<ChainedAttempt[]> {
  const rows = await db.execute<AttemptRow[]>(
    `select attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash
     from payment_attempts where payment_id = ? order by attempt_no`,
    [paymentId],
  );
  return rows.map(toChained);
}

function toChained(row: AttemptRow): ChainedAttempt {
  return { attempt: toPaymentAttempt(row), prevHash: row.prev_hash, hash: row.hash };
}

/** The payment is no longer as its driver left it: another driver has it now. */
export interface LeaseLost {
  readonly kind: 'lease-lost';
}

/**
 * An attempt row and the payment's state after it (status, schedule, lease, chain head past the
 * attempt), in one statement — if the payment is still as its driver left it: PROCESSING, leased
 * to `leaseOwner`, its chain ending where the attempt's link starts. A compare-and-set: for a
 * driver that lost its lease, or whose attempt another driver recorded, it is refused
 * (`lease-lost`) and nothing is written. (payment, attempt number) is unique besides.
 */
export function recordAttemptStatement(input: {
  attempt: PaymentAttempt;
  link: Pick<ChainLink, 'prevHash' | 'hash'>;
  payment: StoredPayment;
  leaseOwner: string;
  at: Date;
}): Statement<LeaseLost> {
  const { attempt, link, payment } = input;
  return guarded(
    `with moved as (
       ${UPDATE_STATE} and status = 'PROCESSING' and lease_owner = ? and chain_head = ?
        returning id),
     recorded as (
       insert into payment_attempts
         (payment_id, attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash)
       select id, ?, ?, ?, ?, ?, ?, ?, ? from moved returning 1)
     select orders_assert((select count(*) from recorded) = 1, ?)`,
    [
      ...stateParams(payment, input.at),
      input.leaseOwner,
      link.prevHash,
      attempt.number,
      attempt.outcome,
      attempt.code,
      attempt.gatewayRef,
      attempt.latencyMs,
      new Date(attempt.at),
      link.prevHash,
      link.hash,
      `payment ${payment.id} is no longer PROCESSING under ${input.leaseOwner} at its chain head`,
    ],
    { kind: 'lease-lost' },
  );
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}

/**
 * A final payment's conclusion (core's `concludePayment`): the order's move, its stock committed
 * or released, and the capture entry when there is one. The order holds its reservations until
 * its payment settles, so a refused stock move means the books are wrong: callers treat it as a
 * bug.
 */
export function conclusionStatements(
  conclusion: Omit<PaymentConclusion<Payment>, 'payment'>,
  at: Date,
): Statement<StockShortage>[] {
  const { transition, capture } = conclusion;
  const context = { orderId: transition.orderId, actor: transition.actor, at };
  return [
    orderTransitionStatement(transition, at),
    ...stockMoveStatements(conclusion.stock, context),
    ...(capture === null ? [] : [journalEntryStatement(capture.entry, capture.link, at)]),
  ];
}
