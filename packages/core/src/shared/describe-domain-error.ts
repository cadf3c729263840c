import type { DomainError } from './domain-error.js';
import type { InvalidCardReason } from '../gateway/card-validation.js';
import { formatCents as cents } from './money.js';

/**
 * A readable one-line message for each domain error, sent to clients as is. Built only from the
 * error's facts, none of which is ever a card number.
 */
export function describeDomainError(e: DomainError): string {
  switch (e.code) {
    case 'AUTH.INVALID_CREDENTIALS':
      return 'Invalid email or password.';
    case 'AUTH.EMAIL_TAKEN':
      return 'An account with this email already exists.';
    case 'AUTH.UNAUTHENTICATED':
      return e.reason === 'EXPIRED_TOKEN'
        ? 'Your session has expired; log in again.'
        : 'You are not logged in.';
    case 'AUTH.FORBIDDEN':
      return `This action requires the ${e.requiredRole} role.`;
    case 'AUTH.RATE_LIMITED':
      return `Too many attempts; retry in ${Math.ceil(e.retryAfterMs / 1000)} s.`;
    case 'ORDER.NOT_FOUND':
      return `Order ${e.orderId} was not found.`;
    case 'ORDER.INVALID_TRANSITION':
      return `Order ${e.orderId} cannot go from ${e.from} to ${e.to}.`;
    case 'ORDER.NOT_PENDING':
      return `Order ${e.orderId} is ${e.status}, not PENDING.`;
    case 'ORDER.INVALID_LINES':
      return `An order needs ${e.min} to ${e.max} lines; got ${e.count}.`;
    case 'ORDER.INVALID_QUANTITY':
      return `Quantity for ${e.sku} must be an integer from ${e.min} to ${e.max}; got ${e.quantity}.`;
    case 'ORDER.DUPLICATE_SKU':
      return `SKU ${e.sku} appears on more than one line; use one line with the total quantity.`;
    case 'ORDER.UNKNOWN_SKU':
      return `There is no product with SKU ${e.sku}.`;
    case 'ORDER.CURRENCY_MISMATCH':
      return `SKU ${e.sku} is priced in ${e.actual}, but the order is in ${e.expected}.`;
    case 'ORDER.AMOUNT_TOO_LARGE':
      return `The order total is too large (at SKU ${e.sku}).`;
    case 'ORDER.EXPIRED':
      return `Order ${e.orderId} expired at ${new Date(e.expiredAt).toISOString()}.`;
    case 'INVENTORY.INSUFFICIENT_STOCK':
      return `Not enough stock for ${e.sku}: requested ${e.requested}, available ${e.available}.`;
    case 'INVENTORY.PRODUCT_NOT_FOUND':
      return `There is no product with SKU ${e.sku}.`;
    case 'INVENTORY.BELOW_RESERVED':
      return `Stock of ${e.sku} cannot go to ${e.requestedOnHand}: ${e.reserved} units are reserved.`;
    case 'INVENTORY.INVALID_QUANTITY':
      return `Invalid stock quantity for ${e.sku}: ${e.quantity}.`;
    case 'PAYMENT.NOT_FOUND':
      return e.orderId ? `No payment for order ${e.orderId}.` : 'Payment not found.';
    case 'PAYMENT.INVALID_CARD':
      return `The card was refused: ${INVALID_CARD_MESSAGES[e.reason]}.`;
    case 'PAYMENT.INVALID_TRANSITION':
      return `Payment ${e.paymentId} cannot go from ${e.from} to ${e.to}.`;
    case 'PAYMENT.ALREADY_PAID':
      return `Order ${e.orderId} already has payment ${e.paymentId} (${e.status}).`;
    case 'PAYMENT.AMOUNT_MISMATCH':
      return `The amount ${cents(e.actualCents)} does not match the order total ${cents(e.expectedCents)}.`;
    case 'PAYMENT.INVALID_AMOUNT':
      return `A payment needs a positive amount; got ${cents(e.amountCents)}.`;
    case 'REFUND.NOT_REFUNDABLE':
      return e.paymentStatus === 'SUCCESS'
        ? `Order ${e.orderId} is ${e.orderStatus}: there is nothing to refund.`
        : `Order ${e.orderId} has no successful payment to refund (${e.paymentStatus ?? 'none'}); an unpaid order is cancelled, not refunded.`;
    case 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE':
      return e.refundableCents === 0
        ? `Nothing is left to refund of order ${e.orderId}.`
        : `Cannot refund ${cents(e.requestedCents)} ${e.currency} of order ${e.orderId}: ${cents(e.refundableCents)} ${e.currency} is still refundable.`;
    case 'REFUND.INVALID_AMOUNT':
      return `A refund needs a positive amount; got ${cents(e.amountCents)}.`;
    case 'REFUND.INVALID_RESTOCK':
      return `Cannot restock ${e.requested} of ${e.sku}: ${e.restockable} can be restocked.`;
    case 'REFUND.INVALID_TRANSITION':
      return `Refund ${e.refundId} cannot go from ${e.from} to ${e.to}.`;
    case 'FRAUD.REJECTED':
      return `The payment was rejected by fraud checks (score ${e.score}).`;
    case 'IDEMPOTENCY.KEY_REUSED':
      return 'This idempotency key was already used for a different request.';
    case 'IDEMPOTENCY.IN_PROGRESS':
      return 'A request with this idempotency key is still in progress; retry shortly.';
    case 'LEDGER.UNBALANCED':
      return `The journal entry does not balance (${e.reason}, sum ${e.sumCents}).`;
    case 'LEDGER.DUPLICATE_REFERENCE':
      return `A journal entry with reference ${e.reference} already exists.`;
    case 'WEBHOOK.NOT_FOUND':
      return `No webhook endpoint ${e.endpointId}.`;
    case 'WEBHOOK.INVALID_URL':
      return e.reason === 'NOT_HTTPS'
        ? `A webhook URL must be https:// (got ${e.url}).`
        : e.reason === 'CREDENTIALS_IN_URL'
          ? 'A webhook URL must not carry a user name or password.'
          : `Not a valid webhook URL: ${e.url}.`;
    case 'WEBHOOK.EVENT_NOT_FOUND':
      return `No event ${e.eventId} (never stored, or purged by retention).`;
  }
}

const INVALID_CARD_MESSAGES = {
  format: 'the card details are malformed',
  luhn: 'the card number is not valid',
  expired: 'the card has expired',
  cvc: 'the security code is not valid',
} as const satisfies Record<InvalidCardReason, string>;
