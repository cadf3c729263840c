// Test data builders: valid defaults, overridable per test.
import type { FraudAssessment } from '../fraud/assess-fraud.js';
import type { FraudContext } from '../fraud/fraud-rule.js';
import { GENESIS_HASH } from '../ledger/hash-chain.js';
import type { CatalogueItem, Order } from '../orders/order.js';
import type { Payment } from '../payments/payment.js';
import type { Refund } from '../refunds/refund.js';
import { asOrderId, asPaymentId, asProductId, asRefundId, asSku, asUserId } from '../shared/ids.js';
import { money } from '../shared/money.js';

export const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);

export const ALLOW: FraudAssessment = { score: 0, verdict: 'ALLOW', signals: [] };

export function aCatalogueItem(overrides: Partial<CatalogueItem> = {}): CatalogueItem {
  const sku = overrides.sku ?? asSku('SKU-1');
  return {
    productId: asProductId(`prod-${sku}`),
    sku,
    name: `Product ${sku}`,
    priceCents: 1250,
    currency: 'USD',
    ...overrides,
  };
}

export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: asOrderId('order-1'),
    userId: asUserId('user-1'),
    status: 'PENDING',
    lines: [
      {
        productId: asProductId('prod-1'),
        sku: asSku('SKU-1'),
        name: 'Product 1',
        quantity: 2,
        unitPriceCents: 1250,
        lineTotalCents: 2500,
      },
    ],
    total: money(2500),
    createdAt: T0,
    expiresAt: T0 + 15 * 60 * 1000,
    ...overrides,
  };
}

export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: asPaymentId('pay-1'),
    orderId: asOrderId('order-1'),
    userId: asUserId('user-1'),
    status: 'INITIATED',
    amount: money(2500),
    failureCode: null,
    card: { brand: 'visa', last4: '4242' },
    fraud: ALLOW,
    nextAttemptAt: null,
    chainHead: GENESIS_HASH,
    createdAt: T0,
    ...overrides,
  };
}

export function aFraudContext(overrides: Partial<FraudContext> = {}): FraudContext {
  return {
    amountCents: 2500,
    cardNumber: '4242424242424242',
    recentPaymentsByUser: 1,
    distinctUsersForCard: 1,
    accountAgeMs: 30 * 24 * 60 * 60 * 1000,
    ...overrides,
  };
}

export function aRefund(overrides: Partial<Refund> = {}): Refund {
  return {
    id: asRefundId('re-1'),
    paymentId: asPaymentId('pay-1'),
    orderId: asOrderId('order-1'),
    userId: asUserId('user-1'),
    amount: money(1000),
    reason: 'requested_by_customer',
    note: null,
    status: 'PROCESSING',
    failureCode: null,
    restock: [],
    nextAttemptAt: null,
    createdAt: T0,
    settledAt: null,
    ...overrides,
  };
}
