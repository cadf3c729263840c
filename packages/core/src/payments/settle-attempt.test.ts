import { describe, expect, it } from 'vitest';
import type { GatewayOutcome } from '../gateway/card-simulator.js';
import { chainHash, GENESIS_HASH } from '../ledger/hash-chain.js';
import { createRetryPolicy } from '../retry/retry-policy.js';
import { asProductId, asSku } from '../shared/ids.js';
import { aPayment, T0 } from '../testing/builders.js';
import { settleAttempt } from './settle-attempt.js';

const lines = [
  { productId: asProductId('p-2'), sku: asSku('B'), quantity: 1 },
  { productId: asProductId('p-1'), sku: asSku('A'), quantity: 2 },
];
const processing = aPayment({ status: 'PROCESSING' });
const settle = (outcome: GatewayOutcome, previous = 0, payment = processing) =>
  settleAttempt({
    payment,
    attempts: Array.from({ length: previous }),
    outcome,
    latencyMs: 7,
    now: T0,
    policy: createRetryPolicy({ baseMs: 200 }),
    random: () => 1,
    lines,
  });

describe('settleAttempt', () => {
  it('records an approval, chains it, and concludes: order CONFIRMED, stock committed, capture posted', () => {
    const result = settle({ outcome: 'APPROVED' });
    if (!result.ok) throw new Error(result.error.code);
    const { attempt, attemptLink, payment, conclusion } = result.value;
    expect(attempt).toEqual({
      number: 1,
      outcome: 'APPROVED',
      code: null,
      at: T0,
      latencyMs: 7,
      gatewayRef: 'sim_pay-1_1',
    });
    expect(attemptLink.prevHash).toBe(GENESIS_HASH);
    expect(attemptLink.hash).toBe(chainHash(GENESIS_HASH, attemptLink.record));
    expect(payment.status).toBe('SUCCESS');
    expect(conclusion?.transition).toEqual({
      orderId: 'order-1',
      from: 'PENDING',
      to: 'CONFIRMED',
      reason: 'payment succeeded',
      actor: 'payment-engine',
    });
    expect(conclusion?.stock.map((m) => [m.sku, m.kind, m.onHandDelta, m.reservedDelta])).toEqual([
      ['A', 'COMMIT', -2, -2],
      ['B', 'COMMIT', -1, -1],
    ]);
    expect(conclusion?.capture?.entry).toMatchObject({
      kind: 'CAPTURE',
      reference: 'capture:pay-1',
    });
    // The capture follows the attempt in the chain, and the payment's head is past both.
    expect(conclusion?.capture?.link.prevHash).toBe(attemptLink.hash);
    expect(payment.chainHead).toBe(conclusion?.capture?.link.hash);
  });

  it('schedules a transient error with attempts left for a retry, with no conclusion yet', () => {
    const result = settle({ outcome: 'ERROR', code: 'gateway_timeout' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.payment).toMatchObject({ status: 'RETRY', nextAttemptAt: T0 + 200 });
    expect(result.value.attempt.gatewayRef).toBeNull();
    expect(result.value.payment.chainHead).toBe(result.value.attemptLink.hash);
    expect(result.value.conclusion).toBeNull();
  });

  it('fails the order and releases its stock on a decline, posting nothing', () => {
    const result = settle({ outcome: 'DECLINED', code: 'card_declined' });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.payment).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'CARD_DECLINED',
    });
    expect(result.value.conclusion).toMatchObject({
      transition: { to: 'FAILED', reason: 'payment failed: CARD_DECLINED' },
      capture: null,
    });
    expect(result.value.conclusion?.stock.every((m) => m.kind === 'RELEASE')).toBe(true);
  });

  it('ends with RETRIES_EXHAUSTED when the last attempt fails in transit', () => {
    const result = settle({ outcome: 'ERROR', code: 'processing_error' }, 2);
    expect(result.ok && result.value.payment).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'RETRIES_EXHAUSTED',
    });
    expect(result.ok && result.value.attempt.number).toBe(3);
  });

  it('refuses to settle an attempt of a payment that is not PROCESSING', () => {
    expect(settle({ outcome: 'APPROVED' }, 0, aPayment({ status: 'RETRY' }))).toMatchObject({
      ok: false,
      error: { code: 'PAYMENT.INVALID_TRANSITION', from: 'RETRY' },
    });
  });
});
