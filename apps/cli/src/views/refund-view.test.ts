import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Refund } from '../api-client.js';
import { snapshot } from '../testing/payment-snapshots.js';
import { paymentFields } from './payment-view.js';
import { leftToRefund, refundedSummary, refundFailureMessage, restockText } from './refund-view.js';

const plain = new Chalk({ level: 0 });

function refund(id: string, amountCents: number, status: Refund['status']): Refund {
  return {
    id,
    paymentId: 'pay-1',
    orderId: 'order-1',
    amountCents,
    currency: 'USD',
    reason: 'other',
    note: null,
    status,
    failureCode: status === 'FAILED' ? 'REFUND_FAILED' : null,
    attempts: [],
    restock: id === 'r1' ? [{ sku: 'MUG', quantity: 2 }] : [],
    createdAt: '2030-01-01T00:00:00.000Z',
    settledAt: null,
  };
}

describe('refund views', () => {
  it('count what is left as the server does: every refund not FAILED holds its amount', () => {
    const refunds = [
      refund('r1', 500, 'SUCCEEDED'),
      refund('r2', 700, 'FAILED'),
      refund('r3', 300, 'RETRY'),
    ];
    expect(leftToRefund(2500, 'USD', refunds)).toBe(1700);
    expect(leftToRefund(2500, 'USD', [])).toBe(2500);
    expect(refundedSummary(2500, 'USD', refunds)).toBe(
      '$5.00 of $25.00 (3 refunds); $17.00 left to refund',
    );
    expect(
      restockText([
        { sku: 'MUG', quantity: 2 },
        { sku: 'TEE', quantity: 1 },
      ]),
    ).toBe('2 × MUG, 1 × TEE');
  });

  it('add the refunded amount and each refund to the payment view once there are refunds', () => {
    const paid = snapshot('SUCCESS', []);
    expect(paymentFields(paid, plain).join('\n')).not.toContain('refund');
    const refunded = { ...paid, refundedCents: 500, refunds: [refund('r1', 500, 'SUCCEEDED')] };
    expect(paymentFields(refunded, plain).slice(-4)).toEqual([
      'refunded  $5.00 of $25.00 (1 refund); $20.00 left to refund',
      '',
      'REFUND  STATUS     AMOUNT  REASON  RESTOCK',
      'r1      SUCCEEDED   $5.00  other   2 × MUG',
    ]);
  });

  it('explain a failed refund by its failure code', () => {
    const exhausted = {
      ...refund('r2', 700, 'FAILED'),
      failureCode: 'RETRIES_EXHAUSTED' as const,
      attempts: [1, 2, 3].map((number) => ({
        number,
        outcome: 'ERROR' as const,
        code: 'gateway_timeout' as const,
        latencyMs: 1,
        at: '2030-01-01T00:00:00.000Z',
      })),
    };
    expect(refundFailureMessage(exhausted, undefined)).toBe(
      'refund failed: the gateway failed 3 times (RETRIES_EXHAUSTED) — nothing was refunded or restocked; run the refund again, without --idempotency-key, to retry',
    );
  });
});
