import type { FraudAssessment } from '../fraud/assess-fraud.js';
import type { AttemptOutcome, GatewayCode } from '../gateway/card-simulator.js';
import type { CardSummary } from '../gateway/card-validation.js';
import type { OrderId, PaymentId, UserId } from '../shared/ids.js';
import type { Money } from '../shared/money.js';

/** The seed's payment states, kept (DESIGN §2 Payments). */
export const PAYMENT_STATUSES = [
  'INITIATED',
  'PROCESSING',
  'RETRY',
  'SUCCESS',
  'FAILED_FINAL',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why a payment ended in FAILED_FINAL. */
export const FAILURE_CODES = [
  'FRAUD_REJECTED',
  'CARD_DECLINED',
  'INSUFFICIENT_FUNDS',
  'RETRIES_EXHAUSTED',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * A payment as the core sees it; at most one per order. Instants are epoch ms. `chainHead` is
 * the hash of the last record in the payment's ledger chain (`GENESIS_HASH` when empty); keeping
 * it on the payment is what lets verification notice a removed last row.
 */
export interface Payment {
  readonly id: PaymentId;
  readonly orderId: OrderId;
  readonly userId: UserId;
  readonly status: PaymentStatus;
  readonly amount: Money;
  readonly failureCode: FailureCode | null;
  readonly card: CardSummary;
  readonly fraud: FraudAssessment;
  readonly nextAttemptAt: number | null;
  readonly chainHead: string;
  readonly createdAt: number;
}

/** What a gateway attempt produced, as the payment decision records it. */
export interface AttemptResult {
  /** 1-based. */
  readonly number: number;
  readonly outcome: AttemptOutcome;
  readonly code: GatewayCode | null;
}

/** A stored `payment_attempts` row: the result plus when, how long, and the gateway's reference. */
export interface PaymentAttempt extends AttemptResult {
  readonly at: number;
  readonly latencyMs: number;
  readonly gatewayRef: string | null;
}
