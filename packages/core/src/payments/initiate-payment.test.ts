import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../ledger/hash-chain.js';
import { asPaymentId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { ALLOW, anOrder, T0 } from '../testing/builders.js';
import { initiatePayment, type InitiatePaymentInput } from './initiate-payment.js';

const order = anOrder({ total: money(4200) });
const input = (overrides: Partial<InitiatePaymentInput> = {}): InitiatePaymentInput => ({
  id: asPaymentId('pay-7'),
  order,
  existingPayment: null,
  card: { brand: 'visa', last4: '4242' },
  fraud: ALLOW,
  now: T0 + 1000,
  ...overrides,
});

describe('initiatePayment', () => {
  it('creates an INITIATED payment for the order total, with an empty chain', () => {
    expect(initiatePayment(input())).toEqual({
      ok: true,
      value: {
        id: 'pay-7',
        orderId: order.id,
        userId: order.userId,
        status: 'INITIATED',
        amount: money(4200),
        failureCode: null,
        card: { brand: 'visa', last4: '4242' },
        fraud: ALLOW,
        nextAttemptAt: null,
        chainHead: GENESIS_HASH,
        createdAt: T0 + 1000,
      },
    });
  });

  it('keeps a flagged payment going', () => {
    const fraud = { score: 60, verdict: 'FLAG' as const, signals: [] };
    const result = initiatePayment(input({ fraud }));
    expect(result.ok && result.value.status).toBe('INITIATED');
  });

  it('ends a fraud-rejected payment at once with FRAUD_REJECTED and no attempt', () => {
    const fraud = {
      score: 100,
      verdict: 'REJECT' as const,
      signals: [{ rule: 'BLOCKLISTED_CARD', score: 100, reason: 'card is on the blocklist' }],
    };
    const result = initiatePayment(input({ fraud }));
    expect(result.ok && result.value).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'FRAUD_REJECTED',
      nextAttemptAt: null,
      chainHead: GENESIS_HASH,
      fraud,
    });
  });

  it('refuses a second payment on the same order', () => {
    const existingPayment = { id: asPaymentId('pay-1'), status: 'RETRY' as const };
    expect(initiatePayment(input({ existingPayment }))).toEqual({
      ok: false,
      error: {
        code: 'PAYMENT.ALREADY_PAID',
        orderId: order.id,
        paymentId: 'pay-1',
        status: 'RETRY',
      },
    });
  });

  it('refuses an order that is not payable', () => {
    const confirmed = initiatePayment(input({ order: { ...order, status: 'CONFIRMED' } }));
    expect(!confirmed.ok && confirmed.error.code).toBe('ORDER.NOT_PENDING');
    const late = initiatePayment(input({ now: order.expiresAt }));
    expect(!late.ok && late.error.code).toBe('ORDER.EXPIRED');
  });

  it('refuses a zero amount', () => {
    expect(initiatePayment(input({ order: { ...order, total: money(0) } }))).toEqual({
      ok: false,
      error: { code: 'PAYMENT.INVALID_AMOUNT', amountCents: 0 },
    });
  });
});
