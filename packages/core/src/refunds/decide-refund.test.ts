import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../orders/order.js';
import type { PaymentStatus } from '../payments/payment.js';
import { asOrderId, asPaymentId, asProductId, asRefundId, asSku, asUserId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { ok } from '../shared/result.js';
import { T0 } from '../testing/builders.js';
import {
  decideRefund,
  refundableCents,
  type RefundHold,
  type RefundSubject,
} from './decide-refund.js';
import type { Refund } from './refund.js';
import { transitionRefund } from './refund-transitions.js';

const mug = { productId: asProductId('p-mug'), sku: asSku('MUG'), quantity: 3 };
const tee = { productId: asProductId('p-tee'), sku: asSku('TEE'), quantity: 1 };
const subject = (
  refunds: readonly RefundHold[] = [],
  status: { order?: OrderStatus; payment?: PaymentStatus | null } = {},
): RefundSubject => ({
  order: {
    id: asOrderId('order-1'),
    userId: asUserId('user-1'),
    status: status.order ?? 'CONFIRMED',
    lines: [mug, tee],
  },
  payment:
    status.payment === null
      ? null
      : { id: asPaymentId('pay-1'), status: status.payment ?? 'SUCCESS', amount: money(10_000) },
  refunds,
});
const created = { id: asRefundId('re-1'), now: T0 };
const held = (
  amountCents: number,
  status: RefundHold['status'] = 'SUCCEEDED',
  restock: RefundHold['restock'] = [],
) => ({
  amount: money(amountCents),
  status,
  restock,
});

describe('decideRefund', () => {
  it('refunds all that is left by default, starting its first attempt', () => {
    const decided = decideRefund(
      subject([held(2_500)]),
      { reason: 'requested_by_customer' },
      created,
    );
    expect(decided).toMatchObject({
      ok: true,
      value: {
        attemptNo: 1,
        refund: {
          id: 're-1',
          paymentId: 'pay-1',
          orderId: 'order-1',
          userId: 'user-1',
          amount: money(7_500),
          status: 'PROCESSING',
          reason: 'requested_by_customer',
          note: null,
          restock: [],
          createdAt: T0,
          settledAt: null,
        },
      },
    });
  });

  it('refunds up to exactly what is left, and no more, naming what is left', () => {
    const refunds = [held(4_000), held(1_000, 'PROCESSING')];
    expect(
      decideRefund(subject(refunds), { reason: 'other', amountCents: 5_000 }, created).ok,
    ).toBe(true);
    expect(
      decideRefund(subject(refunds), { reason: 'other', amountCents: 5_001 }, created),
    ).toEqual({
      ok: false,
      error: {
        code: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
        orderId: 'order-1',
        requestedCents: 5_001,
        refundableCents: 5_000,
        currency: 'USD',
      },
    });
  });

  it('frees the amount of a FAILED refund', () => {
    expect(refundableCents(money(10_000), [held(10_000, 'FAILED')])).toBe(10_000);
    expect(refundableCents(money(10_000), [held(10_000, 'RETRY')])).toBe(0);
  });

  it('refuses an order that was never paid, failed or was cancelled as not refundable', () => {
    for (const [order, payment] of [
      ['PENDING', null],
      ['PENDING', 'PROCESSING'],
      ['FAILED', 'FAILED_FINAL'],
      ['CANCELLED', null],
    ] as const) {
      expect(decideRefund(subject([], { order, payment }), { reason: 'other' }, created)).toEqual({
        ok: false,
        error: {
          code: 'REFUND.NOT_REFUNDABLE',
          orderId: 'order-1',
          orderStatus: order,
          paymentStatus: payment,
        },
      });
    }
  });

  it('refuses a refund of a fully refunded order as over the cap, with nothing left to refund', () => {
    const refunded = subject([held(4_000), held(6_000)], { order: 'REFUNDED' });
    for (const amountCents of [undefined, 1, 10_000]) {
      expect(decideRefund(refunded, { reason: 'other', amountCents }, created)).toEqual({
        ok: false,
        error: {
          code: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
          orderId: 'order-1',
          requestedCents: amountCents ?? 0,
          refundableCents: 0,
          currency: 'USD',
        },
      });
    }
  });

  it('refuses a non-positive amount', () => {
    for (const amountCents of [0, -5, 1.5]) {
      expect(decideRefund(subject(), { reason: 'other', amountCents }, created)).toEqual({
        ok: false,
        error: { code: 'REFUND.INVALID_AMOUNT', amountCents },
      });
    }
  });

  it('restocks at most what was bought less what other refunds restock', () => {
    const earlier = held(1_000, 'SUCCEEDED', [{ ...mug, quantity: 2 }]);
    const restock = (quantity: number) => [{ sku: asSku('MUG'), quantity }];
    expect(
      decideRefund(
        subject([earlier]),
        { reason: 'other', amountCents: 100, restock: restock(1) },
        created,
      ),
    ).toMatchObject({ ok: true, value: { refund: { restock: [{ ...mug, quantity: 1 }] } } });
    expect(
      decideRefund(
        subject([earlier]),
        { reason: 'other', amountCents: 100, restock: restock(2) },
        created,
      ),
    ).toEqual({
      ok: false,
      error: { code: 'REFUND.INVALID_RESTOCK', sku: 'MUG', requested: 2, restockable: 1 },
    });
    // A failed refund's restock is free again; a SKU the order did not buy never is.
    expect(
      decideRefund(
        subject([{ ...earlier, status: 'FAILED' }]),
        { reason: 'other', amountCents: 100, restock: restock(3) },
        created,
      ).ok,
    ).toBe(true);
    expect(
      decideRefund(
        subject(),
        { reason: 'other', restock: [{ sku: asSku('HAT'), quantity: 1 }] },
        created,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'REFUND.INVALID_RESTOCK', sku: 'HAT', restockable: 0 },
    });
  });

  it('never lets any sequence of requests and later outcomes refund more than the capture: a refund FAILED, even after a RETRY, frees its amount, SUCCEEDED keeps it', () => {
    const captured = money(10_000);
    const create = fc.record({
      kind: fc.constant('create' as const),
      amountCents: fc.option(fc.integer({ min: 1, max: 6_000 }), { nil: undefined }),
    });
    // An outcome of one of the refunds still running, chosen by `pick`.
    const settle = fc.record({
      kind: fc.constant('settle' as const),
      pick: fc.nat(),
      to: fc.constantFrom('SUCCEEDED' as const, 'FAILED' as const, 'RETRY' as const),
    });
    const centsOf = (refunds: readonly Refund[], keep: (r: Refund) => boolean) =>
      refunds.filter(keep).reduce((sum, r) => sum + r.amount.amountCents, 0);
    fc.assert(
      fc.property(fc.array(fc.oneof(create, settle), { maxLength: 40 }), (steps) => {
        const refunds: Refund[] = [];
        for (const step of steps) {
          const refundable = refundableCents(captured, refunds);
          if (step.kind === 'create') {
            const succeeded = centsOf(refunds, (r) => r.status === 'SUCCEEDED');
            const order =
              succeeded === 0
                ? 'CONFIRMED'
                : succeeded === captured.amountCents
                  ? 'REFUNDED'
                  : 'PARTIALLY_REFUNDED';
            const request = { reason: 'other' as const, amountCents: step.amountCents };
            const decided = decideRefund(subject(refunds, { order }), request, created);
            const asked = step.amountCents ?? refundable;
            expect(decided.ok).toBe(asked > 0 && asked <= refundable);
            if (decided.ok) {
              refunds.push(decided.value.refund);
            } else {
              expect(decided.error).toMatchObject({
                code: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
                refundableCents: refundable,
              });
            }
          } else {
            const running = refunds.filter(
              (r) => r.status === 'PROCESSING' || r.status === 'RETRY',
            );
            const refund = running[step.pick % Math.max(1, running.length)];
            if (refund === undefined) continue;
            // Through the table: a refund waiting in RETRY runs its next attempt first.
            const attempt =
              refund.status === 'RETRY' ? transitionRefund(refund, 'PROCESSING') : ok(refund);
            const ended = attempt.ok ? transitionRefund(attempt.value, step.to) : attempt;
            if (!ended.ok) throw new Error(ended.error.code);
            refunds[refunds.indexOf(refund)] = ended.value;
            expect(refundableCents(captured, refunds)).toBe(
              step.to === 'FAILED' ? refundable + refund.amount.amountCents : refundable,
            );
          }
          const held = centsOf(refunds, (r) => r.status !== 'FAILED');
          expect(held).toBeLessThanOrEqual(captured.amountCents);
          expect(centsOf(refunds, (r) => r.status === 'SUCCEEDED')).toBeLessThanOrEqual(held);
          expect(refundableCents(captured, refunds)).toBe(captured.amountCents - held);
        }
      }),
    );
  });
});
