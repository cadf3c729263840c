import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Refund } from './api-client.js';
import { createRefundProgressLog, isRefundFinal } from './refund-progress.js';

const plain = new Chalk({ level: 0 });
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

type Attempt = Refund['attempts'][number];
const errorAt = (number: number, ms: number): Attempt => ({
  number,
  outcome: 'ERROR',
  code: 'processing_error',
  latencyMs: 7,
  at: at(ms),
});
const approvedAt = (number: number, ms: number): Attempt => ({
  number,
  outcome: 'APPROVED',
  code: null,
  latencyMs: 3,
  at: at(ms),
});

function refund(
  status: Refund['status'],
  attempts: Attempt[],
  extra: Partial<Refund> = {},
): Refund {
  return {
    id: 'refund-1',
    paymentId: 'pay-1',
    orderId: 'order-1',
    amountCents: 1250,
    currency: 'USD',
    reason: 'requested_by_customer',
    note: null,
    status,
    failureCode: null,
    attempts,
    restock: [],
    createdAt: at(0),
    settledAt: null,
    ...extra,
  };
}

describe('createRefundProgressLog', () => {
  it('introduces the refund once, then each attempt, the wait before each retry, and the end', () => {
    const log = createRefundProgressLog(plain);
    expect(log.linesFor(refund('PROCESSING', []))).toEqual([
      'refund refund-1: $12.50 of order order-1 (requested_by_customer)',
    ]);
    expect(log.linesFor(refund('RETRY', [errorAt(1, 0)]))).toEqual([
      'attempt 1: ERROR processing_error (7 ms)',
    ]);
    const restock = [{ sku: 'MUG', quantity: 1 }];
    expect(
      log.linesFor(refund('SUCCEEDED', [errorAt(1, 0), approvedAt(2, 400)], { restock })),
    ).toEqual([
      '  retried after 0.4 s',
      'attempt 2: APPROVED (3 ms)',
      'SUCCEEDED — $12.50 refunded, 1 × MUG restocked',
    ]);
  });

  it('says nothing was given back when the refund failed, and never repeats a line', () => {
    const log = createRefundProgressLog(plain);
    const failed = refund(
      'FAILED',
      [{ ...errorAt(1, 0), outcome: 'DECLINED', code: 'refund_failed' }],
      {
        failureCode: 'REFUND_FAILED',
      },
    );
    expect(log.linesFor(failed).slice(1)).toEqual([
      'attempt 1: DECLINED refund_failed (7 ms)',
      'FAILED REFUND_FAILED — nothing refunded, nothing restocked',
    ]);
    expect(log.linesFor(failed)).toEqual([]);
  });

  it('takes SUCCEEDED and FAILED as final, and nothing else', () => {
    expect(
      (['PENDING', 'PROCESSING', 'RETRY', 'SUCCEEDED', 'FAILED'] as const).filter((status) =>
        isRefundFinal({ status }),
      ),
    ).toEqual(['SUCCEEDED', 'FAILED']);
  });
});
