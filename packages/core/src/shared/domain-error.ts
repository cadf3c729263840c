import type { InvalidCardReason } from '../gateway/card-validation.js';
import type { FraudSignal } from '../fraud/fraud-rule.js';
import type { UnbalancedReason } from '../ledger/journal.js';
import type { OrderStatus } from '../orders/order.js';
import type { PaymentStatus } from '../payments/payment.js';
import type { RefundStatus } from '../refunds/refund.js';
import type { OrderId, PaymentId, RefundId, Sku } from './ids.js';
import type { Currency } from './money.js';

/**
 * Every business failure the system can report, as namespaced string codes. The server's
 * transport mapping is `satisfies Record<DomainErrorCode, …>`, so adding a code here forces it to
 * decide how the new failure reaches clients.
 */
export const DOMAIN_ERROR_CODES = [
  'AUTH.INVALID_CREDENTIALS',
  'AUTH.EMAIL_TAKEN',
  'AUTH.UNAUTHENTICATED',
  'AUTH.FORBIDDEN',
  'AUTH.RATE_LIMITED',
  'ORDER.NOT_FOUND',
  'ORDER.INVALID_TRANSITION',
  'ORDER.NOT_PENDING',
  'ORDER.INVALID_LINES',
  'ORDER.INVALID_QUANTITY',
  'ORDER.DUPLICATE_SKU',
  'ORDER.UNKNOWN_SKU',
  'ORDER.CURRENCY_MISMATCH',
  'ORDER.AMOUNT_TOO_LARGE',
  'ORDER.EXPIRED',
  'INVENTORY.INSUFFICIENT_STOCK',
  'INVENTORY.PRODUCT_NOT_FOUND',
  'INVENTORY.BELOW_RESERVED',
  'INVENTORY.INVALID_QUANTITY',
  'PAYMENT.NOT_FOUND',
  'PAYMENT.INVALID_CARD',
  'PAYMENT.INVALID_TRANSITION',
  'PAYMENT.ALREADY_PAID',
  'PAYMENT.AMOUNT_MISMATCH',
  'PAYMENT.INVALID_AMOUNT',
  'REFUND.NOT_REFUNDABLE',
  'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
  'REFUND.INVALID_AMOUNT',
  'REFUND.INVALID_RESTOCK',
  'REFUND.INVALID_TRANSITION',
  'FRAUD.REJECTED',
  'IDEMPOTENCY.KEY_REUSED',
  'IDEMPOTENCY.IN_PROGRESS',
  'LEDGER.UNBALANCED',
  'LEDGER.DUPLICATE_REFERENCE',
  'WEBHOOK.NOT_FOUND',
  'WEBHOOK.INVALID_URL',
  'WEBHOOK.EVENT_NOT_FOUND',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** Codes whose message needs no facts. */
type NoFacts = object;

/**
 * The facts each code carries: enough to explain the failure, all JSON-serialisable, and never a
 * card number. Instants are epoch milliseconds.
 */
export interface DomainErrorFacts {
  'AUTH.INVALID_CREDENTIALS': NoFacts;
  'AUTH.EMAIL_TAKEN': NoFacts;
  'AUTH.UNAUTHENTICATED': { readonly reason: 'MISSING_TOKEN' | 'INVALID_TOKEN' | 'EXPIRED_TOKEN' };
  'AUTH.FORBIDDEN': { readonly requiredRole: 'ADMIN' };
  'AUTH.RATE_LIMITED': { readonly retryAfterMs: number };
  'ORDER.NOT_FOUND': { readonly orderId: OrderId };
  'ORDER.INVALID_TRANSITION': {
    readonly orderId: OrderId;
    readonly from: OrderStatus;
    readonly to: OrderStatus;
  };
  'ORDER.NOT_PENDING': { readonly orderId: OrderId; readonly status: OrderStatus };
  'ORDER.INVALID_LINES': {
    readonly reason: 'EMPTY' | 'TOO_MANY';
    readonly count: number;
    readonly min: number;
    readonly max: number;
  };
  'ORDER.INVALID_QUANTITY': {
    readonly sku: Sku;
    readonly quantity: number;
    readonly min: number;
    readonly max: number;
  };
  'ORDER.DUPLICATE_SKU': { readonly sku: Sku };
  'ORDER.UNKNOWN_SKU': { readonly sku: Sku };
  'ORDER.CURRENCY_MISMATCH': {
    readonly sku: Sku;
    readonly expected: Currency;
    readonly actual: Currency;
  };
  'ORDER.AMOUNT_TOO_LARGE': { readonly sku: Sku };
  'ORDER.EXPIRED': { readonly orderId: OrderId; readonly expiredAt: number };
  'INVENTORY.INSUFFICIENT_STOCK': {
    readonly sku: Sku;
    readonly requested: number;
    readonly available: number;
  };
  'INVENTORY.PRODUCT_NOT_FOUND': { readonly sku: Sku };
  'INVENTORY.BELOW_RESERVED': {
    readonly sku: Sku;
    readonly onHand: number;
    readonly reserved: number;
    readonly requestedOnHand: number;
  };
  'INVENTORY.INVALID_QUANTITY': { readonly sku: Sku; readonly quantity: number };
  'PAYMENT.NOT_FOUND': { readonly orderId?: OrderId; readonly paymentId?: PaymentId };
  'PAYMENT.INVALID_CARD': { readonly reason: InvalidCardReason };
  'PAYMENT.INVALID_TRANSITION': {
    readonly paymentId: PaymentId;
    readonly from: PaymentStatus;
    readonly to: PaymentStatus;
  };
  'PAYMENT.ALREADY_PAID': {
    readonly orderId: OrderId;
    readonly paymentId: PaymentId;
    readonly status: PaymentStatus;
  };
  'PAYMENT.AMOUNT_MISMATCH': { readonly expectedCents: number; readonly actualCents: number };
  'PAYMENT.INVALID_AMOUNT': { readonly amountCents: number };
  'REFUND.NOT_REFUNDABLE': {
    readonly orderId: OrderId;
    readonly orderStatus: OrderStatus;
    /** The order's payment's status; null when it has none. */
    readonly paymentStatus: PaymentStatus | null;
  };
  'REFUND.AMOUNT_EXCEEDS_REFUNDABLE': {
    readonly orderId: OrderId;
    readonly requestedCents: number;
    /** What is still refundable: the capture less every refund not FAILED. */
    readonly refundableCents: number;
    readonly currency: Currency;
  };
  'REFUND.INVALID_AMOUNT': { readonly amountCents: number };
  'REFUND.INVALID_RESTOCK': {
    readonly sku: Sku;
    readonly requested: number;
    /** What the order bought of it less what other refunds restock. */
    readonly restockable: number;
  };
  'REFUND.INVALID_TRANSITION': {
    readonly refundId: RefundId;
    readonly from: RefundStatus;
    readonly to: RefundStatus;
  };
  'FRAUD.REJECTED': { readonly score: number; readonly signals: readonly FraudSignal[] };
  'IDEMPOTENCY.KEY_REUSED': { readonly key: string };
  'IDEMPOTENCY.IN_PROGRESS': { readonly key: string };
  'LEDGER.UNBALANCED': { readonly reason: UnbalancedReason; readonly sumCents: number };
  'LEDGER.DUPLICATE_REFERENCE': { readonly reference: string };
  'WEBHOOK.NOT_FOUND': { readonly endpointId: string };
  'WEBHOOK.INVALID_URL': {
    readonly url: string;
    readonly reason: 'INVALID_URL' | 'NOT_HTTPS' | 'CREDENTIALS_IN_URL';
  };
  'WEBHOOK.EVENT_NOT_FOUND': { readonly eventId: string };
}

/** A business failure: a plain object whose `code` selects its facts. */
export type DomainError = {
  [C in DomainErrorCode]: { readonly code: C } & DomainErrorFacts[C];
}[DomainErrorCode];

/** The error variant(s) for the given code(s), for precise return types. */
export type DomainErrorOf<C extends DomainErrorCode> = Extract<DomainError, { readonly code: C }>;

/** Builds a typed domain error: `domainError('ORDER.UNKNOWN_SKU', { sku })`. */
export function domainError<C extends DomainErrorCode>(
  code: C,
  facts: DomainErrorFacts[C],
): { readonly code: C } & DomainErrorFacts[C] {
  return { code, ...facts };
}

/** True for a string that is one of {@link DOMAIN_ERROR_CODES}. */
export function isDomainErrorCode(value: string): value is DomainErrorCode {
  return (DOMAIN_ERROR_CODES as readonly string[]).includes(value);
}
