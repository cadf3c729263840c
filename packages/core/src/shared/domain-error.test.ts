import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import { asOrderId, asPaymentId, asRefundId, asSku } from './ids.js';
import { describeDomainError } from './describe-domain-error.js';
import {
  DOMAIN_ERROR_CODES,
  domainError,
  isDomainErrorCode,
  type DomainError,
  type DomainErrorCode,
} from './domain-error.js';

const orderId = asOrderId('order-1');
const paymentId = asPaymentId('pay-1');
const sku = asSku('SKU-1');

/** One example of every error; `satisfies` makes this list exhaustive over the codes. */
const examples = {
  'AUTH.INVALID_CREDENTIALS': { code: 'AUTH.INVALID_CREDENTIALS' },
  'AUTH.EMAIL_TAKEN': { code: 'AUTH.EMAIL_TAKEN' },
  'AUTH.UNAUTHENTICATED': { code: 'AUTH.UNAUTHENTICATED', reason: 'EXPIRED_TOKEN' },
  'AUTH.FORBIDDEN': { code: 'AUTH.FORBIDDEN', requiredRole: 'ADMIN' },
  'AUTH.RATE_LIMITED': { code: 'AUTH.RATE_LIMITED', retryAfterMs: 30_500 },
  'ORDER.NOT_FOUND': { code: 'ORDER.NOT_FOUND', orderId },
  'ORDER.INVALID_TRANSITION': {
    code: 'ORDER.INVALID_TRANSITION',
    orderId,
    from: 'CANCELLED',
    to: 'CONFIRMED',
  },
  'ORDER.NOT_PENDING': { code: 'ORDER.NOT_PENDING', orderId, status: 'FAILED' },
  'ORDER.INVALID_LINES': {
    code: 'ORDER.INVALID_LINES',
    reason: 'EMPTY',
    count: 0,
    min: 1,
    max: 50,
  },
  'ORDER.INVALID_QUANTITY': {
    code: 'ORDER.INVALID_QUANTITY',
    sku,
    quantity: 0,
    min: 1,
    max: 1000,
  },
  'ORDER.DUPLICATE_SKU': { code: 'ORDER.DUPLICATE_SKU', sku },
  'ORDER.UNKNOWN_SKU': { code: 'ORDER.UNKNOWN_SKU', sku },
  'ORDER.CURRENCY_MISMATCH': {
    code: 'ORDER.CURRENCY_MISMATCH',
    sku,
    expected: 'USD',
    actual: 'EUR',
  },
  'ORDER.AMOUNT_TOO_LARGE': { code: 'ORDER.AMOUNT_TOO_LARGE', sku },
  'ORDER.EXPIRED': { code: 'ORDER.EXPIRED', orderId, expiredAt: Date.UTC(2030, 0, 1) },
  'INVENTORY.INSUFFICIENT_STOCK': {
    code: 'INVENTORY.INSUFFICIENT_STOCK',
    sku,
    requested: 5,
    available: 2,
  },
  'INVENTORY.PRODUCT_NOT_FOUND': { code: 'INVENTORY.PRODUCT_NOT_FOUND', sku },
  'INVENTORY.BELOW_RESERVED': {
    code: 'INVENTORY.BELOW_RESERVED',
    sku,
    onHand: 10,
    reserved: 4,
    requestedOnHand: 3,
  },
  'INVENTORY.INVALID_QUANTITY': { code: 'INVENTORY.INVALID_QUANTITY', sku, quantity: -1 },
  'PAYMENT.NOT_FOUND': { code: 'PAYMENT.NOT_FOUND', orderId },
  'PAYMENT.INVALID_CARD': { code: 'PAYMENT.INVALID_CARD', reason: 'luhn' },
  'PAYMENT.INVALID_TRANSITION': {
    code: 'PAYMENT.INVALID_TRANSITION',
    paymentId,
    from: 'SUCCESS',
    to: 'PROCESSING',
  },
  'PAYMENT.ALREADY_PAID': { code: 'PAYMENT.ALREADY_PAID', orderId, paymentId, status: 'SUCCESS' },
  'PAYMENT.AMOUNT_MISMATCH': {
    code: 'PAYMENT.AMOUNT_MISMATCH',
    expectedCents: 4200,
    actualCents: 1,
  },
  'PAYMENT.INVALID_AMOUNT': { code: 'PAYMENT.INVALID_AMOUNT', amountCents: 0 },
  'REFUND.NOT_REFUNDABLE': {
    code: 'REFUND.NOT_REFUNDABLE',
    orderId,
    orderStatus: 'CANCELLED',
    paymentStatus: null,
  },
  'REFUND.AMOUNT_EXCEEDS_REFUNDABLE': {
    code: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
    orderId,
    requestedCents: 500,
    refundableCents: 300,
    currency: 'USD',
  },
  'REFUND.INVALID_AMOUNT': { code: 'REFUND.INVALID_AMOUNT', amountCents: -1 },
  'REFUND.INVALID_RESTOCK': { code: 'REFUND.INVALID_RESTOCK', sku, requested: 3, restockable: 1 },
  'REFUND.INVALID_TRANSITION': {
    code: 'REFUND.INVALID_TRANSITION',
    refundId: asRefundId('re-1'),
    from: 'SUCCEEDED',
    to: 'PROCESSING',
  },
  'FRAUD.REJECTED': {
    code: 'FRAUD.REJECTED',
    score: 100,
    signals: [{ rule: 'BLOCKLISTED_CARD', score: 100, reason: 'card is on the blocklist' }],
  },
  'IDEMPOTENCY.KEY_REUSED': { code: 'IDEMPOTENCY.KEY_REUSED', key: 'k1' },
  'IDEMPOTENCY.IN_PROGRESS': { code: 'IDEMPOTENCY.IN_PROGRESS', key: 'k1' },
  'LEDGER.UNBALANCED': { code: 'LEDGER.UNBALANCED', reason: 'SUM_NOT_ZERO', sumCents: 1 },
  'LEDGER.DUPLICATE_REFERENCE': { code: 'LEDGER.DUPLICATE_REFERENCE', reference: 'capture:pay-1' },
  'WEBHOOK.NOT_FOUND': { code: 'WEBHOOK.NOT_FOUND', endpointId: 'wh-1' },
  'WEBHOOK.INVALID_URL': { code: 'WEBHOOK.INVALID_URL', url: 'http://x', reason: 'NOT_HTTPS' },
  'WEBHOOK.EVENT_NOT_FOUND': { code: 'WEBHOOK.EVENT_NOT_FOUND', eventId: 'evt_1' },
} as const satisfies { [C in DomainErrorCode]: Extract<DomainError, { code: C }> };

describe('DOMAIN_ERROR_CODES', () => {
  it('lists each code once, namespaced', () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
    for (const code of DOMAIN_ERROR_CODES) {
      expect(code).toMatch(
        /^(ORDER|PAYMENT|INVENTORY|REFUND|FRAUD|AUTH|IDEMPOTENCY|LEDGER|WEBHOOK)\.[A-Z_]+$/,
      );
    }
  });

  it('includes the codes the server maps', () => {
    expect(DOMAIN_ERROR_CODES).toEqual(expect.arrayContaining(Object.keys(examples)));
    expect(Object.keys(examples)).toHaveLength(DOMAIN_ERROR_CODES.length);
  });

  it('recognises its own codes only', () => {
    expect(isDomainErrorCode('ORDER.NOT_FOUND')).toBe(true);
    expect(isDomainErrorCode('ORDER.NOPE')).toBe(false);
  });
});

describe('domainError', () => {
  it('builds a plain, JSON-serialisable object', () => {
    const e = domainError('INVENTORY.INSUFFICIENT_STOCK', { sku, requested: 5, available: 2 });
    expect(e).toEqual(examples['INVENTORY.INSUFFICIENT_STOCK']);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });
});

describe('describeDomainError', () => {
  it.each(DOMAIN_ERROR_CODES)('gives %s a readable one-line message', (code) => {
    const message = describeDomainError(examples[code]);
    expect(message).toMatch(/^[A-Z].*\.$/);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('undefined');
    expect(message).not.toMatch(/\d{12,}/);
  });

  it('uses the facts', () => {
    expect(describeDomainError(examples['INVENTORY.INSUFFICIENT_STOCK'])).toBe(
      'Not enough stock for SKU-1: requested 5, available 2.',
    );
    expect(describeDomainError(examples['PAYMENT.AMOUNT_MISMATCH'])).toBe(
      'The amount 0.01 does not match the order total 42.00.',
    );
    expect(describeDomainError(examples['AUTH.RATE_LIMITED'])).toBe(
      'Too many attempts; retry in 31 s.',
    );
    expect(describeDomainError(examples['ORDER.EXPIRED'])).toBe(
      'Order order-1 expired at 2030-01-01T00:00:00.000Z.',
    );
  });

  it('covers the variants within a code', () => {
    expect(describeDomainError({ code: 'AUTH.UNAUTHENTICATED', reason: 'MISSING_TOKEN' })).toBe(
      'You are not logged in.',
    );
    expect(describeDomainError({ code: 'PAYMENT.NOT_FOUND', paymentId })).toBe(
      'Payment not found.',
    );
    expect(describeDomainError(examples['REFUND.AMOUNT_EXCEEDS_REFUNDABLE'])).toBe(
      'Cannot refund 5.00 USD of order order-1: 3.00 USD is still refundable.',
    );
    expect(
      describeDomainError({
        ...examples['REFUND.AMOUNT_EXCEEDS_REFUNDABLE'],
        requestedCents: 0,
        refundableCents: 0,
      }),
    ).toBe('Nothing is left to refund of order order-1.');
  });

  it('never includes a card number, whatever the card', () => {
    for (const reason of ['format', 'luhn', 'expired', 'cvc'] as const) {
      const message = describeDomainError({ code: 'PAYMENT.INVALID_CARD', reason });
      for (const number of Object.values(TEST_CARDS)) expect(message).not.toContain(number);
    }
  });
});
