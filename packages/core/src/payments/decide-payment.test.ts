import { describe, expect, it } from 'vitest';
import { asOrderId, asPaymentId, asProductId, asSku, asUserId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { ALLOW, T0 } from '../testing/builders.js';
import { decidePayment } from './decide-payment.js';

const order = {
  id: asOrderId('order-1'),
  userId: asUserId('user-1'),
  status: 'PENDING' as const,
  total: money(2500),
  expiresAt: T0 + 60_000,
};
const input = {
  id: asPaymentId('pay-1'),
  order,
  existingPayment: null,
  card: { brand: 'visa' as const, last4: '4242' },
  fraud: ALLOW,
  now: T0,
  lines: [{ productId: asProductId('p-1'), sku: asSku('A'), quantity: 2 }],
};

describe('decidePayment', () => {
  it('starts the first attempt of an allowed payment at once', () => {
    const result = decidePayment(input);
    expect(result).toMatchObject({
      ok: true,
      value: {
        kind: 'started',
        attemptNo: 1,
        payment: { status: 'PROCESSING', amount: money(2500) },
      },
    });
  });

  it('concludes a fraud rejection on the spot: order FAILED, stock released, no capture', () => {
    const reject = { score: 100, verdict: 'REJECT' as const, signals: [] };
    const result = decidePayment({ ...input, fraud: reject });
    if (!result.ok || result.value.kind !== 'rejected') throw new Error('not rejected');
    const { conclusion } = result.value;
    expect(conclusion.payment).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'FRAUD_REJECTED',
    });
    expect(conclusion.transition).toMatchObject({ from: 'PENDING', to: 'FAILED' });
    expect(conclusion.stock).toEqual([
      expect.objectContaining({ sku: 'A', kind: 'RELEASE', reservedDelta: -2 }),
    ]);
    expect(conclusion.capture).toBeNull();
  });

  it('refuses an order that already has a payment, whatever the fraud verdict', () => {
    const existingPayment = { id: asPaymentId('pay-0'), status: 'SUCCESS' as const };
    expect(decidePayment({ ...input, existingPayment })).toMatchObject({
      ok: false,
      error: { code: 'PAYMENT.ALREADY_PAID', paymentId: 'pay-0' },
    });
  });
});
