import {
  asOrderId,
  asPaymentId,
  asUserId,
  type CardBrand,
  type CardProfile,
  type Currency,
  type FailureCode,
  type FraudSignal,
  type FraudVerdict,
  type Payment,
  type PaymentAttempt,
  type PaymentStatus,
} from '@orders/core';
import { epoch, type DbTime } from '../sql-values.js';

/** A payment as stored: the core's view plus what only persistence needs. */
export interface StoredPayment extends Payment {
  readonly cardFingerprint: string;
  /** The simulated gateway's token for the card (never the card number). */
  readonly gatewayToken: CardProfile;
  readonly leaseOwner: string | null;
  /** Epoch ms. */
  readonly leaseUntil: number | null;
}

function epochOrNull(value: DbTime | null): number | null {
  return value === null ? null : epoch(value);
}

export interface PaymentRow {
  id: string;
  order_id: string;
  user_id: string;
  status: string;
  amount_cents: string | number;
  currency: string;
  failure_code: string | null;
  card_brand: string;
  card_last4: string;
  card_fingerprint: string;
  gateway_token: string;
  fraud_score: number;
  fraud_verdict: string;
  fraud_signals: unknown;
  next_attempt_at: DbTime | null;
  lease_owner: string | null;
  lease_until: DbTime | null;
  chain_head: string;
  created_at: DbTime;
}

export interface AttemptRow {
  attempt_no: number;
  outcome: string;
  code: string | null;
  gateway_ref: string | null;
  latency_ms: number;
  at: DbTime;
  prev_hash: string;
  hash: string;
}

// The database's CHECK constraints admit only the values of these unions, so the casts below
// restate what the schema guarantees.
export function toStoredPayment(row: PaymentRow): StoredPayment {
  return {
    id: asPaymentId(row.id),
    orderId: asOrderId(row.order_id),
    userId: asUserId(row.user_id),
    status: row.status as PaymentStatus,
    amount: { amountCents: Number(row.amount_cents), currency: row.currency as Currency },
    failureCode: row.failure_code as FailureCode | null,
    card: { brand: row.card_brand as CardBrand, last4: row.card_last4 },
    fraud: {
      score: row.fraud_score,
      verdict: row.fraud_verdict as FraudVerdict,
      signals: row.fraud_signals as FraudSignal[],
    },
    nextAttemptAt: epochOrNull(row.next_attempt_at),
    chainHead: row.chain_head,
    createdAt: epoch(row.created_at),
    cardFingerprint: row.card_fingerprint,
    gatewayToken: row.gateway_token as CardProfile,
    leaseOwner: row.lease_owner,
    leaseUntil: epochOrNull(row.lease_until),
  };
}

export function toPaymentAttempt(row: AttemptRow): PaymentAttempt {
  return {
    number: row.attempt_no,
    outcome: row.outcome as PaymentAttempt['outcome'],
    code: row.code as PaymentAttempt['code'],
    at: epoch(row.at),
    latencyMs: row.latency_ms,
    gatewayRef: row.gateway_ref,
  };
}
