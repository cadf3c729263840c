import {
  money,
  type CardProfile,
  type ChainLink,
  type Currency,
  type Money,
  type OrderStatus,
  type RefundAttempt,
  type RefundConclusion,
} from '@orders/core';
import type { Sql } from '../database.js';
import { stockMoveStatements, type StockShortage } from '../inventory/stock-moves.js';
import { journalEntryStatement } from '../ledger/ledger.repository.js';
import { orderTransitionStatement } from '../orders/order.repository.js';
import type { LeaseLost } from '../payments/payment.repository.js';
import { guarded, statement, type Statement } from '../statement.js';
import {
  toDate,
  toRefund,
  toRefundAttempt,
  type RefundAttemptRow,
  type RefundRow,
  type StoredRefund,
} from './refund.mapper.js';

// A refund's attempts: the lock its driver takes, and the statements that record each attempt
// and the refund's new state (as the server settled it with core).

export interface RefundForAttempt {
  readonly refund: StoredRefund;
  readonly attempts: readonly RefundAttempt[];
  readonly payment: {
    /** What the payment captured. */
    readonly amount: Money;
    readonly chainHead: string;
    readonly refundedCents: number;
    readonly gatewayToken: CardProfile;
  };
  readonly orderStatus: OrderStatus;
}

/**
 * The refund with its attempts, its payment (chain head, what earlier refunds gave back, the
 * card's token) and its order's status, all locked until the transaction ends — the order first,
 * then payment and refund, the order every writer of them takes — so refunds of one payment
 * extend its chain one at a time. One round trip.
 */
export async function lockRefundForAttempt(
  db: Sql,
  refundId: string,
): Promise<RefundForAttempt | null> {
  const [, rows] = await Promise.all([
    db.execute(
      'select 1 from orders where id = (select order_id from refunds where id = ?) for update',
      [refundId],
    ),
    db.execute<
      (RefundRow & {
        attempts: RefundAttemptRow[];
        chain_head: string;
        payment_amount_cents: string | number;
        refunded_cents: string | number;
        gateway_token: string;
        order_status: OrderStatus;
      })[]
    >(
      `select r.*, p.chain_head, p.amount_cents as payment_amount_cents, p.refunded_cents,
         p.gateway_token, o.status as order_status,
         (select coalesce(json_agg(json_build_object('attempt_no', a.attempt_no,
            'outcome', a.outcome, 'code', a.code, 'gateway_ref', a.gateway_ref,
            'latency_ms', a.latency_ms, 'at', a.at, 'prev_hash', a.prev_hash, 'hash', a.hash)
            order by a.attempt_no), '[]')
            from refund_attempts a where a.refund_id = r.id) as attempts
       from refunds r join payments p on p.id = r.payment_id join orders o on o.id = r.order_id
      where r.id = ? for update of r, p`,
      [refundId],
    ),
  ]);
  const row = rows[0];
  if (row === undefined) return null;
  return {
    refund: toRefund(row),
    attempts: row.attempts.map(toRefundAttempt),
    payment: {
      amount: money(Number(row.payment_amount_cents), row.currency as Currency),
      chainHead: row.chain_head,
      refundedCents: Number(row.refunded_cents),
      gatewayToken: row.gateway_token as CardProfile,
    },
    orderStatus: row.order_status,
  };
}

const UPDATE_REFUND = `update refunds set status = ?, failure_code = ?, next_attempt_at = ?,
  lease_owner = ?, lease_until = ?, settled_at = ?, updated_at = ? where id = ?`;

function refundStateParams(refund: StoredRefund, at: Date): unknown[] {
  return [
    refund.status,
    refund.failureCode,
    toDate(refund.nextAttemptAt),
    refund.leaseOwner,
    toDate(refund.leaseUntil),
    toDate(refund.settledAt),
    at,
    refund.id,
  ];
}

/** The refund's mutable state — status, failure, schedule, lease, settlement — written. */
export function saveRefundStateStatement(refund: StoredRefund, at: Date): Statement {
  return statement(UPDATE_REFUND, refundStateParams(refund, at));
}

/**
 * A refund attempt (core's `settleRefundAttempt`): the attempt row and the refund's new state — by
 * compare-and-set on the refund being PROCESSING under this driver's lease (refused:
 * `lease-lost`) — the payment's chain head moved past it, and for a final state its conclusion:
 * SUCCEEDED posts the refund entry, counts the amount as refunded, moves the order and restocks;
 * FAILED gives back the held amount and restock.
 */
export function recordRefundAttemptStatements(input: {
  readonly attempt: RefundAttempt;
  readonly attemptLink: Pick<ChainLink, 'prevHash' | 'hash'>;
  readonly refund: StoredRefund;
  readonly chainHead: string;
  readonly conclusion: RefundConclusion | null;
  readonly leaseOwner: string;
  readonly at: Date;
}): Statement<LeaseLost | StockShortage>[] {
  const { attempt, attemptLink, refund, conclusion, at } = input;
  const statements: Statement<LeaseLost | StockShortage>[] = [
    guarded(
      `with moved as (
         ${UPDATE_REFUND} and status = 'PROCESSING' and lease_owner = ? returning id),
       recorded as (
         insert into refund_attempts
           (refund_id, attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash)
         select id, ?, ?, ?, ?, ?, ?, ?, ? from moved returning 1)
       select orders_assert((select count(*) from recorded) = 1, ?)`,
      [
        ...refundStateParams(refund, at),
        input.leaseOwner,
        attempt.number,
        attempt.outcome,
        attempt.code,
        attempt.gatewayRef,
        attempt.latencyMs,
        new Date(attempt.at),
        attemptLink.prevHash,
        attemptLink.hash,
        `refund ${refund.id} is no longer PROCESSING under ${input.leaseOwner}`,
      ],
      { kind: 'lease-lost' },
    ),
    // The payment is locked for the attempt: a chain head elsewhere is a bug.
    statement(
      `with moved as (
         update payments set chain_head = ?, updated_at = ? where id = ? and chain_head = ?
         returning 1)
       select orders_assert((select count(*) from moved) = 1, ?)`,
      [
        input.chainHead,
        at,
        refund.paymentId,
        attemptLink.prevHash,
        `payment ${refund.paymentId}: chain moved`,
      ],
    ),
  ];
  if (conclusion === null) return statements;
  const amount = refund.amount.amountCents;
  if (conclusion.kind === 'failed') {
    return [
      ...statements,
      statement('update payments set refund_held_cents = refund_held_cents - ? where id = ?', [
        amount,
        refund.paymentId,
      ]),
      ...conclusion.restock.map((line) =>
        statement(
          'update order_lines set restock_held = restock_held - ? where order_id = ? and product_id = ?',
          [line.quantity, refund.orderId, line.productId],
        ),
      ),
    ];
  }
  const context = { orderId: refund.orderId, actor: conclusion.transition.actor, at };
  return [
    ...statements,
    journalEntryStatement(conclusion.entry, conclusion.entryLink, at),
    statement('update payments set refunded_cents = refunded_cents + ? where id = ?', [
      amount,
      refund.paymentId,
    ]),
    orderTransitionStatement(conclusion.transition, at),
    ...stockMoveStatements(conclusion.restock, context),
  ];
}

/** A refund with its attempts, as the API shows it. */
