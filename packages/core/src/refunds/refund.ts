import type { TransientCode } from '../gateway/card-simulator.js';
import type { OrderId, PaymentId, ProductId, RefundId, Sku, UserId } from '../shared/ids.js';
import type { Money } from '../shared/money.js';

/** Every state a refund can be in (DESIGN §2 Refunds). */
export const REFUND_STATUSES = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'RETRY', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Why an admin refunds (Stripe's words). */
export const REFUND_REASONS = [
  'requested_by_customer',
  'duplicate',
  'fraudulent',
  'other',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Why a refund ended FAILED: the gateway refused it, or every attempt failed in transit. */
export const REFUND_FAILURE_CODES = ['REFUND_FAILED', 'RETRIES_EXHAUSTED'] as const;
export type RefundFailureCode = (typeof REFUND_FAILURE_CODES)[number];

/** Units a refund puts back on the shelf when it succeeds. */
export interface RestockLine {
  readonly productId: ProductId;
  readonly sku: Sku;
  readonly quantity: number;
}

/**
 * A refund of (part of) a SUCCESS payment. Its amount is held against the payment's capture from
 * its creation until it ends; a FAILED refund frees it. Instants are epoch ms.
 */
export interface Refund {
  readonly id: RefundId;
  readonly paymentId: PaymentId;
  readonly orderId: OrderId;
  /** The order's owner: who may see it. */
  readonly userId: UserId;
  readonly amount: Money;
  readonly reason: RefundReason;
  readonly note: string | null;
  readonly status: RefundStatus;
  readonly failureCode: RefundFailureCode | null;
  readonly restock: readonly RestockLine[];
  readonly nextAttemptAt: number | null;
  readonly createdAt: number;
  readonly settledAt: number | null;
}

/** The gateway's codes for a refund attempt that did not go through. */
export type RefundAttemptCode = 'refund_failed' | TransientCode;

/** A stored `refund_attempts` row. */
export interface RefundAttempt {
  /** 1-based. */
  readonly number: number;
  readonly outcome: 'APPROVED' | 'DECLINED' | 'ERROR';
  readonly code: RefundAttemptCode | null;
  readonly at: number;
  readonly latencyMs: number;
  readonly gatewayRef: string | null;
}
