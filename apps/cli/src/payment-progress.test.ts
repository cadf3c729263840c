import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createProgressLog } from './payment-progress.js';
import { approvedAt, errorAt, snapshot } from './testing/payment-snapshots.js';

const plain = new Chalk({ level: 0 });

describe('createProgressLog', () => {
  it('introduces the payment once, then each attempt, each retry wait and the end, as they come', () => {
    const log = createProgressLog(plain);
    expect(log.linesFor(snapshot('INITIATED', []))).toEqual([
      'payment pay-1: $25.00 on visa •••• 0341',
      'fraud check: ALLOW (score 0)',
    ]);
    expect(log.linesFor(snapshot('RETRY', [errorAt(1, 0)], { nextAttemptAtMs: 180 }))).toEqual([
      'attempt 1: ERROR gateway_timeout (12 ms)',
      '  next attempt in 0.2 s',
    ]);
    expect(log.linesFor(snapshot('PROCESSING', [errorAt(1, 0)]))).toEqual([]);
    expect(log.linesFor(snapshot('SUCCESS', [errorAt(1, 0), approvedAt(2, 200)]))).toEqual([
      'attempt 2: APPROVED (9 ms)',
      'SUCCESS — order CONFIRMED',
    ]);
  });

  it('still shows the wait between attempts when polling missed the RETRY state', () => {
    const log = createProgressLog(plain);
    const attempts = [errorAt(1, 0), errorAt(2, 350), approvedAt(3, 1150)];
    expect(log.linesFor(snapshot('SUCCESS', attempts)).slice(2)).toEqual([
      'attempt 1: ERROR gateway_timeout (12 ms)',
      '  retried after 0.4 s',
      'attempt 2: ERROR gateway_timeout (12 ms)',
      '  retried after 0.8 s',
      'attempt 3: APPROVED (9 ms)',
      'SUCCESS — order CONFIRMED',
    ]);
  });

  it('prints nothing twice, and an older snapshot arriving late takes nothing back', () => {
    const log = createProgressLog(plain);
    const latest = snapshot('FAILED_FINAL', [errorAt(1, 0), errorAt(2, 300), errorAt(3, 900)], {
      failureCode: 'RETRIES_EXHAUSTED',
    });
    expect(log.linesFor(latest).at(-1)).toBe('FAILED_FINAL RETRIES_EXHAUSTED — order FAILED');
    expect(log.linesFor(snapshot('RETRY', [errorAt(1, 0)], { nextAttemptAtMs: 300 }))).toEqual([]);
    expect(log.linesFor(latest)).toEqual([]);
  });

  it('names each fraud signal under the verdict', () => {
    const rejected = {
      ...snapshot('FAILED_FINAL', [], { failureCode: 'FRAUD_REJECTED' }),
      fraud: {
        score: 100,
        verdict: 'REJECT' as const,
        signals: [{ rule: 'BLOCKLISTED_CARD', score: 100, reason: 'card is on the blocklist' }],
      },
    };
    expect(createProgressLog(plain).linesFor(rejected).slice(1)).toEqual([
      'fraud check: REJECT (score 100)',
      '  BLOCKLISTED_CARD +100: card is on the blocklist',
      'FAILED_FINAL FRAUD_REJECTED — order FAILED',
    ]);
  });
});
