import { describe, expect, it } from 'vitest';
import {
  lastVersions,
  orderEventCount,
  paymentEventCount,
  refundEventCount,
} from './event-versions.js';
import { paymentEventTypes, refundEventTypes } from './event-types.js';

describe('event versions counted from the state', () => {
  it('count an order created, then settled, then one per successful refund', () => {
    expect(orderEventCount('PENDING', 0)).toBe(1);
    expect(orderEventCount('CONFIRMED', 0)).toBe(2);
    expect(orderEventCount('CANCELLED', 0)).toBe(2);
    expect(orderEventCount('PARTIALLY_REFUNDED', 1)).toBe(3);
    expect(orderEventCount('REFUNDED', 3)).toBe(5);
  });

  it("count a payment's events as paymentEventTypes writes them, along every card's path", () => {
    // Each path: the states a payment goes through, with the attempt that moved it there.
    const paths = [
      [{ to: 'FAILED_FINAL' }], // fraud rejection
      [{ to: 'PROCESSING' }, { to: 'SUCCESS', attempt: 'APPROVED' }],
      [{ to: 'PROCESSING' }, { to: 'FAILED_FINAL', attempt: 'DECLINED' }],
      [
        { to: 'PROCESSING' },
        { to: 'RETRY', attempt: 'ERROR' },
        { to: 'PROCESSING' },
        { to: 'RETRY', attempt: 'ERROR' },
        { to: 'PROCESSING' },
        { to: 'SUCCESS', attempt: 'APPROVED' },
      ],
    ] as const;
    for (const path of paths) {
      let written = 0;
      let before: (typeof path)[number]['to'] | null = null;
      const attempts: { outcome: 'APPROVED' | 'DECLINED' | 'ERROR' }[] = [];
      for (const step of path) {
        const attempt = 'attempt' in step ? step.attempt : undefined;
        if (attempt !== undefined) attempts.push({ outcome: attempt });
        written += paymentEventTypes({ before, after: step.to, attempt }).length;
        expect(paymentEventCount(step.to, attempts)).toBe(written);
        before = step.to;
      }
    }
  });

  it("count a refund's events as refundEventTypes writes them", () => {
    for (const end of ['SUCCEEDED', 'FAILED'] as const) {
      const created = refundEventTypes({ before: null, after: 'PROCESSING' }).length;
      expect(refundEventCount('PROCESSING')).toBe(created);
      const ended = refundEventTypes({ before: 'PROCESSING', after: end }).length;
      expect(refundEventCount(end)).toBe(created + ended);
    }
  });

  it('gives the last events of a history their versions', () => {
    expect(lastVersions(4, 2)).toEqual([3, 4]);
    expect(lastVersions(1, 1)).toEqual([1]);
  });
});
