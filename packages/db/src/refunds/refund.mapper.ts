import {
  asOrderId,
  asPaymentId,
  asProductId,
  asRefundId,
  asSku,
  asUserId,
  money,
  type Currency,
  type Refund,
  type RefundAttempt,
  type RefundAttemptCode,
  type RefundFailureCode,
  type RefundReason,
  type RefundStatus,
} from '@orders/core';
import { epoch, type DbTime } from '../sql-values.js';

/** A refund as stored: the core's view plus its driver's lease. */
export interface StoredRefund extends Refund {
  readonly leaseOwner: string | null;
  /** Epoch ms. */
  readonly leaseUntil: number | null;
}

/** A `refunds` row as `select *` gives it. */
export interface RefundRow {
  id: string;
  payment_id: string;
  order_id: string;
  user_id: string;
  amount_cents: string | number;
  currency: string;
  reason: string;
  note: string | null;
  status: string;
  failure_code: string | null;
  restock: { productId: string; sku: string; quantity: number }[];
  next_attempt_at: DbTime | null;
  lease_owner: string | null;
  lease_until: DbTime | null;
  created_at: DbTime;
  settled_at: DbTime | null;
}

/** A `refund_attempts` row. */
export interface RefundAttemptRow {
  attempt_no: number;
  outcome: string;
  code: string | null;
  gateway_ref: string | null;
  latency_ms: number;
  at: DbTime;
  prev_hash: string;
  hash: string;
}

const epochOrNull = (value: DbTime | null): number | null => (value === null ? null : epoch(value));

// The CHECK constraints admit only the values of these unions, so the casts restate the schema.
export function toRefund(row: RefundRow): StoredRefund {
  return {
    id: asRefundId(row.id),
    paymentId: asPaymentId(row.payment_id),
    orderId: asOrderId(row.order_id),
    userId: asUserId(row.user_id),
    amount: money(Number(row.amount_cents), row.currency as Currency),
    reason: row.reason as RefundReason,
    note: row.note,
    status: row.status as RefundStatus,
    failureCode: row.failure_code as RefundFailureCode | null,
    restock: row.restock.map((line) => ({
      productId: asProductId(line.productId),
      sku: asSku(line.sku),
      quantity: line.quantity,
    })),
    nextAttemptAt: epochOrNull(row.next_attempt_at),
    createdAt: epoch(row.created_at),
    settledAt: epochOrNull(row.settled_at),
    leaseOwner: row.lease_owner,
    leaseUntil: epochOrNull(row.lease_until),
  };
}

export function toRefundAttempt(row: RefundAttemptRow): RefundAttempt {
  return {
    number: row.attempt_no,
    outcome: row.outcome as RefundAttempt['outcome'],
    code: row.code as RefundAttemptCode | null,
    at: epoch(row.at),
    latencyMs: row.latency_ms,
    gatewayRef: row.gateway_ref,
  };
}

/** A time the database gave as epoch milliseconds, or null. */
export function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
