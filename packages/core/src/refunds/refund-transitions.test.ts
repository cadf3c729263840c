import { describe, expect, it } from 'vitest';
import { aRefund } from '../testing/builders.js';
import { allPairs, reachableStates } from '../testing/state-machine.js';
import { REFUND_STATUSES } from './refund.js';
import { canTransitionRefund, refundTransitions, transitionRefund } from './refund-transitions.js';

const allowed = new Set([
  'PENDING→PROCESSING',
  'PROCESSING→SUCCEEDED',
  'PROCESSING→RETRY',
  'PROCESSING→FAILED',
  'RETRY→PROCESSING',
]);

describe('refund state machine', () => {
  it.each(allPairs(REFUND_STATUSES))('%s → %s is allowed only if DESIGN §2 says so', (from, to) => {
    const expected = allowed.has(`${from}→${to}`);
    expect(canTransitionRefund(from, to)).toBe(expected);
    const result = transitionRefund(aRefund({ status: from }), to);
    if (expected) {
      expect(result).toEqual({ ok: true, value: aRefund({ status: to }) });
    } else {
      expect(result).toEqual({
        ok: false,
        error: { code: 'REFUND.INVALID_TRANSITION', refundId: 're-1', from, to },
      });
    }
  });

  it('reaches every state from PENDING', () => {
    expect([...reachableStates(refundTransitions, 'PENDING')].sort()).toEqual(
      [...REFUND_STATUSES].sort(),
    );
  });

  it('ends in SUCCEEDED or FAILED, with no way out', () => {
    expect(refundTransitions.SUCCEEDED).toEqual([]);
    expect(refundTransitions.FAILED).toEqual([]);
  });
});
