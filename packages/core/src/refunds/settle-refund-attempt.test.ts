import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../ledger/hash-chain.js';
import { createRetryPolicy } from '../retry/retry-policy.js';
import { asOrderId, asPaymentId, asProductId, asSku } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { aRefund, T0 } from '../testing/builders.js';
import type { RefundGatewayOutcome } from '../gateway/card-simulator.js';
import { beginRefundAttempt, settleRefundAttempt } from './settle-refund-attempt.js';

const restock = [{ productId: asProductId('p-mug'), sku: asSku('MUG'), quantity: 2 }];
const refund = aRefund({ amount: money(4_000), restock });
const settle = (
  outcome: RefundGatewayOutcome,
  options: {
    previous?: number;
    refundedCents?: number;
    orderStatus?: 'CONFIRMED' | 'PARTIALLY_REFUNDED';
  } = {},
) =>
  settleRefundAttempt({
    refund,
    attempts: Array.from({ length: options.previous ?? 0 }),
    outcome,
    latencyMs: 4,
    now: T0,
    policy: createRetryPolicy({ baseMs: 200 }),
    random: () => 1,
    payment: { id: asPaymentId('pay-1'), amount: money(10_000), chainHead: 'head-before' },
    order: { id: asOrderId('order-1'), status: options.orderStatus ?? 'CONFIRMED' },
    refundedCents: options.refundedCents ?? 0,
  });

describe('beginRefundAttempt', () => {
  it('starts a due retry as the next attempt, and re-drives a PROCESSING one as the same', () => {
    expect(beginRefundAttempt(aRefund({ status: 'RETRY', nextAttemptAt: T0 }), [{}])).toMatchObject(
      {
        ok: true,
        value: { attemptNo: 2, refund: { status: 'PROCESSING', nextAttemptAt: null } },
      },
    );
    expect(beginRefundAttempt(aRefund(), [{}])).toMatchObject({
      ok: true,
      value: { attemptNo: 2 },
    });
    expect(beginRefundAttempt(aRefund({ status: 'SUCCEEDED' }), []).ok).toBe(false);
  });
});

describe('settleRefundAttempt', () => {
  it('posts the refund entry, restocks and moves the order to PARTIALLY_REFUNDED on a partial refund', () => {
    const result = settle({ outcome: 'APPROVED' });
    if (!result.ok) throw new Error(result.error.code);
    const { attempt, attemptLink, refund: after, chainHead, conclusion } = result.value;
    expect(attempt).toEqual({
      number: 1,
      outcome: 'APPROVED',
      code: null,
      at: T0,
      latencyMs: 4,
      gatewayRef: 'sim_re_re-1_1',
    });
    expect(attemptLink.prevHash).toBe('head-before');
    expect(attemptLink.hash).toBe(chainHash('head-before', attemptLink.record));
    expect(after).toMatchObject({ status: 'SUCCEEDED', settledAt: T0, failureCode: null });
    if (conclusion?.kind !== 'succeeded') throw new Error('not succeeded');
    expect(conclusion.entry).toMatchObject({
      kind: 'REFUND',
      reference: 'refund:re-1',
      refundId: 're-1',
      postings: [
        { account: 'revenue:refunds', amountCents: 4_000 },
        { account: 'assets:gateway_clearing', amountCents: -4_000 },
      ],
    });
    expect(conclusion.entryLink.prevHash).toBe(attemptLink.hash);
    expect(chainHead).toBe(conclusion.entryLink.hash);
    expect(conclusion.transition).toMatchObject({ from: 'CONFIRMED', to: 'PARTIALLY_REFUNDED' });
    expect(conclusion.restock).toEqual([
      {
        productId: 'p-mug',
        sku: 'MUG',
        kind: 'RESTOCK',
        onHandDelta: 2,
        reservedDelta: 0,
        reason: 'refund re-1 succeeded',
      },
    ]);
  });

  it('moves the order to REFUNDED when the capture has all been given back', () => {
    const result = settle(
      { outcome: 'APPROVED' },
      { refundedCents: 6_000, orderStatus: 'PARTIALLY_REFUNDED' },
    );
    expect(result.ok && result.value.conclusion).toMatchObject({
      transition: { from: 'PARTIALLY_REFUNDED', to: 'REFUNDED' },
    });
  });

  it('fails a refused refund at once, posting nothing and freeing its amount and restock', () => {
    const result = settle({ outcome: 'DECLINED', code: 'refund_failed' });
    expect(result).toMatchObject({
      ok: true,
      value: {
        refund: { status: 'FAILED', failureCode: 'REFUND_FAILED' },
        conclusion: { kind: 'failed', amount: money(4_000), restock },
      },
    });
  });

  it('retries a transient error with backoff, then gives up when no attempts are left', () => {
    expect(settle({ outcome: 'ERROR', code: 'gateway_timeout' })).toMatchObject({
      ok: true,
      value: { refund: { status: 'RETRY', nextAttemptAt: T0 + 200 }, conclusion: null },
    });
    expect(settle({ outcome: 'ERROR', code: 'processing_error' }, { previous: 2 })).toMatchObject({
      ok: true,
      value: {
        refund: { status: 'FAILED', failureCode: 'RETRIES_EXHAUSTED' },
        conclusion: { kind: 'failed' },
      },
    });
  });

  it('chains from genesis for a payment whose chain is empty', () => {
    const result = settleRefundAttempt({
      ...{ refund, attempts: [], outcome: { outcome: 'ERROR', code: 'processing_error' } as const },
      latencyMs: 1,
      now: T0,
      policy: createRetryPolicy(),
      random: () => 0,
      payment: { id: asPaymentId('pay-1'), amount: money(10_000), chainHead: GENESIS_HASH },
      order: { id: asOrderId('order-1'), status: 'CONFIRMED' },
      refundedCents: 0,
    });
    expect(result.ok && result.value.attemptLink.prevHash).toBe(GENESIS_HASH);
  });
});
