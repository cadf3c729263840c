import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaidOrder } from './load.js';
import { planRefunds, RACERS, type PlannedRefund } from './refund-plans.js';

const paidOrder = fc.record({
  orderId: fc.constant('order-1'),
  sku: fc.constant('FAULT-MUG'),
  quantity: fc.integer({ min: 1, max: 3 }),
  amountCents: fc.integer({ min: 2, max: 1_000_000 }),
  card: fc.constantFrom('approve' as const, 'refundFails' as const),
});
/** A `random` source replaying drawn numbers in [0, 1). */
const randomSource = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 8 })
  .map((draws) => {
    let n = 0;
    return () => draws[n++ % draws.length] ?? 0;
  });

const unitsOf = (refunds: readonly PlannedRefund[]) => refunds.reduce((s, r) => s + r.restock, 0);

describe('planRefunds', () => {
  it('plans refunds one after another that never ask for more than the capture or the line', () => {
    fc.assert(
      fc.property(paidOrder, randomSource, (order: PaidOrder, random) => {
        const plan = planRefunds(order, random);
        if (plan.some((stage) => stage.some((r) => r.kind === 'racer'))) return;
        const refunds = plan.flat();
        expect(plan.every((stage) => stage.length === 1)).toBe(true);
        expect(unitsOf(refunds)).toBeLessThanOrEqual(order.quantity);
        for (const refund of refunds) {
          expect(refund.restock).toBeGreaterThanOrEqual(0);
          if (refund.amountCents !== null) {
            expect(refund.kind).toBe('partial');
            expect(refund.amountCents).toBeGreaterThan(0);
            expect(refund.amountCents).toBeLessThan(order.amountCents);
          }
        }
        // Only the last refund of a plan may ask for all that is left.
        expect(refunds.slice(0, -1).every((r) => r.amountCents !== null)).toBe(true);
      }),
    );
  });

  it('restocks only part of the line in a partial refund', () => {
    fc.assert(
      fc.property(paidOrder, randomSource, (order, random) => {
        for (const refund of planRefunds(order, random).flat()) {
          if (refund.kind === 'partial') expect(refund.restock).toBeLessThan(order.quantity);
        }
      }),
    );
  });

  it('races refunds of which the cap or the restock limit must refuse one, unless the line has a unit for each', () => {
    fc.assert(
      fc.property(paidOrder, randomSource, (order, random) => {
        const [stage, ...rest] = planRefunds(order, random);
        if (stage === undefined || stage[0]?.kind !== 'racer') return;
        expect(rest).toEqual([]);
        expect(stage).toHaveLength(RACERS);
        const amount = stage.reduce((sum, r) => sum + (r.amountCents ?? order.amountCents), 0);
        const fitByAmount = amount <= order.amountCents;
        const fitByRestock = unitsOf(stage) <= order.quantity;
        // (Rounding up aside: every order the load places costs 9 dollars or more.)
        if (order.amountCents >= 100) {
          expect(fitByAmount && fitByRestock).toBe(unitsOf(stage) === 3 && order.quantity === 3);
        }
      }),
    );
  });
});
