import { describe, expect, it } from 'vitest';
import { aPayment } from '../testing/builders.js';
import { allPairs, reachableStates } from '../testing/state-machine.js';
import { PAYMENT_STATUSES } from './payment.js';
import {
  canTransitionPayment,
  paymentTransitions,
  transitionPayment,
} from './payment-transitions.js';

const allowed = new Set([
  'INITIATED→PROCESSING',
  'INITIATED→FAILED_FINAL',
  'PROCESSING→SUCCESS',
  'PROCESSING→RETRY',
  'PROCESSING→FAILED_FINAL',
  'RETRY→PROCESSING',
]);

describe('payment state machine', () => {
  it.each(allPairs(PAYMENT_STATUSES))(
    '%s → %s is allowed only if DESIGN §2 says so',
    (from, to) => {
      const expected = allowed.has(`${from}→${to}`);
      expect(canTransitionPayment(from, to)).toBe(expected);
      const result = transitionPayment(aPayment({ status: from }), to);
      if (expected) {
        expect(result).toEqual({ ok: true, value: aPayment({ status: to }) });
      } else {
        expect(result).toEqual({
          ok: false,
          error: { code: 'PAYMENT.INVALID_TRANSITION', paymentId: 'pay-1', from, to },
        });
      }
    },
  );

  it('reaches every state from INITIATED', () => {
    expect([...reachableStates(paymentTransitions, 'INITIATED')].sort()).toEqual(
      [...PAYMENT_STATUSES].sort(),
    );
  });

  it('ends in SUCCESS or FAILED_FINAL with no way out', () => {
    expect(paymentTransitions.SUCCESS).toEqual([]);
    expect(paymentTransitions.FAILED_FINAL).toEqual([]);
  });
});
