import { describe, expect, it } from 'vitest';
import { anOrder } from '../testing/builders.js';
import { allPairs, reachableStates } from '../testing/state-machine.js';
import { ORDER_STATUSES } from './order.js';
import { canTransitionOrder, orderTransitions, transitionOrder } from './order-transitions.js';

const allowed = new Set([
  'PENDING→CONFIRMED',
  'PENDING→FAILED',
  'PENDING→CANCELLED',
  'CONFIRMED→PARTIALLY_REFUNDED',
  'CONFIRMED→REFUNDED',
  'PARTIALLY_REFUNDED→PARTIALLY_REFUNDED',
  'PARTIALLY_REFUNDED→REFUNDED',
]);

describe('order state machine', () => {
  it.each(allPairs(ORDER_STATUSES))('%s → %s is allowed only if DESIGN §2 says so', (from, to) => {
    const expected = allowed.has(`${from}→${to}`);
    expect(canTransitionOrder(from, to)).toBe(expected);
    const result = transitionOrder(anOrder({ status: from }), to);
    if (expected) {
      expect(result).toEqual({ ok: true, value: anOrder({ status: to }) });
    } else {
      expect(result).toEqual({
        ok: false,
        error: { code: 'ORDER.INVALID_TRANSITION', orderId: 'order-1', from, to },
      });
    }
  });

  it('reaches every state from PENDING', () => {
    expect([...reachableStates(orderTransitions, 'PENDING')].sort()).toEqual(
      [...ORDER_STATUSES].sort(),
    );
  });

  it('has terminal states with no way out: FAILED, CANCELLED and REFUNDED', () => {
    expect(orderTransitions.FAILED).toEqual([]);
    expect(orderTransitions.CANCELLED).toEqual([]);
    expect(orderTransitions.REFUNDED).toEqual([]);
  });
});
