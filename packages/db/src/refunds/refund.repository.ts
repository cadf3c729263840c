import {
  asOrderId,
  asPaymentId,
  asProductId,
  asSku,
  asUserId,
  money,
  type CardProfile,
  type Currency,
  type OrderStatus,
  type PaymentStatus,
  type RefundAttempt,
  type RefundSubject,
} from '@orders/core';
import type { Sql } from '../database.js';
import { guarded, statement, type Statement } from '../statement.js';
import {
  toDate,
  toRefund,
  toRefundAttempt,
  type RefundAttemptRow,
  type RefundRow,
  type StoredRefund,
} from './refund.mapper.js';

/** The refund would take the payment's refunds past its capture: another refund got there first. */
export interface OverCap {
  readonly kind: 'over-cap';
}

/** The refund would restock more of a line than its order bought, less other refunds' restock. */
export interface OverRestock {
  readonly kind: 'over-restock';
  readonly sku: string;
}

interface SubjectRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  lines: { productId: string; sku: string; quantity: number }[];
  payment: {
    id: string;
    status: PaymentStatus;
    amount_cents: number | string;
    currency: string;
    gateway_token: string;
  } | null;
  refunds: {
    amount_cents: number | string;
    currency: string;
    status: StoredRefund['status'];
    restock: { productId: string; sku: string; quantity: number }[];
  }[];
}

/** What refunding an order reads: core's `RefundSubject`, and the card's token to refund to. */
export interface RefundSubjectRecord {
  readonly subject: RefundSubject;
  /** The simulated gateway's token for the payment's card; null without a payment. */
  readonly gatewayToken: CardProfile | null;
}

/**
 * What deciding a refund of an order reads, in one statement: the order — locked `for update`, so
 * refunds of one order are decided one at a time — with its lines, its payment and the payment's
 * refunds so far. Null when there is no such order.
 */
export async function lockRefundSubject(
  db: Sql,
  orderId: string,
): Promise<RefundSubjectRecord | null> {
  const rows = await db.execute<SubjectRow[]>(
    `select o.id, o.user_id, o.status,
       (select coalesce(json_agg(json_build_object('productId', l.product_id, 'sku', l.sku,
          'quantity', l.quantity) order by l.line_no), '[]')
          from order_lines l where l.order_id = o.id) as lines,
       (select json_build_object('id', p.id, 'status', p.status, 'amount_cents', p.amount_cents,
          'currency', p.currency, 'gateway_token', p.gateway_token)
          from payments p where p.order_id = o.id) as payment,
       (select coalesce(json_agg(json_build_object('amount_cents', r.amount_cents,
          'currency', r.currency, 'status', r.status, 'restock', r.restock)), '[]')
          from refunds r where r.order_id = o.id) as refunds
     from orders o where o.id = ? for update of o`,
    [orderId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const restockOf = (lines: SubjectRow['lines']) =>
    lines.map((l) => ({
      productId: asProductId(l.productId),
      sku: asSku(l.sku),
      quantity: l.quantity,
    }));
  const subject: RefundSubject = {
    order: {
      id: asOrderId(row.id),
      userId: asUserId(row.user_id),
      status: row.status,
      lines: restockOf(row.lines),
    },
    payment:
      row.payment === null
        ? null
        : {
            id: asPaymentId(row.payment.id),
            status: row.payment.status,
            amount: money(Number(row.payment.amount_cents), row.payment.currency as Currency),
          },
    refunds: row.refunds.map((r) => ({
      amount: money(Number(r.amount_cents), r.currency as Currency),
      status: r.status,
      restock: restockOf(r.restock),
    })),
  };
  // The payments' tokens are the simulator's profiles (written from `cardProfileOf`).
  return { subject, gatewayToken: (row.payment?.gateway_token ?? null) as CardProfile | null };
}

const REFUND_COLUMNS = `id, payment_id, order_id, user_id, amount_cents, currency, reason, note, status,
  failure_code, restock, next_attempt_at, lease_owner, lease_until, created_at, settled_at, updated_at`;

/**
 * A new refund (core's `decideRefund`) and its holds, in the order they must succeed: its amount
 * held against the payment's capture and each restocked line against what the order bought —
 * conditional UPDATEs, the cap's enforcement under concurrency (refused: `over-cap`,
 * `over-restock`) — then the refund row.
 */
export function createRefundStatements(refund: StoredRefund): Statement<OverCap | OverRestock>[] {
  const at = new Date(refund.createdAt);
  const amount = refund.amount.amountCents;
  return [
    guarded(
      `with held as (
         update payments set refund_held_cents = refund_held_cents + ?, updated_at = ?
          where id = ? and refund_held_cents + ? <= amount_cents returning 1)
       select orders_assert((select count(*) from held) = 1, ?)`,
      [amount, at, refund.paymentId, amount, `payment ${refund.paymentId}: over its capture`],
      { kind: 'over-cap' },
    ),
    ...refund.restock.map((line) =>
      guarded(
        `with held as (
           update order_lines set restock_held = restock_held + ?
            where order_id = ? and product_id = ? and restock_held + ? <= quantity returning 1)
         select orders_assert((select count(*) from held) = 1, ?)`,
        [line.quantity, refund.orderId, line.productId, line.quantity, `restock of ${line.sku}`],
        { kind: 'over-restock' as const, sku: line.sku },
      ),
    ),
    statement(
      `insert into refunds (${REFUND_COLUMNS})
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)`,
      [
        refund.id,
        refund.paymentId,
        refund.orderId,
        refund.userId,
        amount,
        refund.amount.currency,
        refund.reason,
        refund.note,
        refund.status,
        refund.failureCode,
        JSON.stringify(refund.restock),
        toDate(refund.nextAttemptAt),
        refund.leaseOwner,
        toDate(refund.leaseUntil),
        at,
        toDate(refund.settledAt),
        at,
      ],
    ),
  ];
}

/** A refund as an attempt needs it: with its attempts, its payment's chain and its order. */
export interface RefundWithAttempts {
  readonly refund: StoredRefund;
  readonly attempts: readonly RefundAttempt[];
}

/** An order's refunds with their attempts, oldest first. */
export async function listRefundsForOrder(db: Sql, orderId: string): Promise<RefundWithAttempts[]> {
  const rows = await db.execute<(RefundRow & { attempts: RefundAttemptRow[] })[]>(
    `select r.*,
       (select coalesce(json_agg(json_build_object('attempt_no', a.attempt_no,
          'outcome', a.outcome, 'code', a.code, 'gateway_ref', a.gateway_ref,
          'latency_ms', a.latency_ms, 'at', a.at, 'prev_hash', a.prev_hash, 'hash', a.hash)
          order by a.attempt_no), '[]')
          from refund_attempts a where a.refund_id = r.id) as attempts
     from refunds r where r.order_id = ? order by r.created_at, r.id`,
    [orderId],
  );
  return rows.map((row) => ({
    refund: toRefund(row),
    attempts: row.attempts.map(toRefundAttempt),
  }));
}

/** How many of an order's refunds have SUCCEEDED (read under the order's lock, it stays so). */
export async function countSucceededRefunds(db: Sql, orderId: string): Promise<number> {
  const rows = await db.execute<{ n: number }[]>(
    `select count(*)::integer as n from refunds where order_id = ? and status = 'SUCCEEDED'`,
    [orderId],
  );
  return rows[0]?.n ?? 0;
}
