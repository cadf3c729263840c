import { describe, expect, it } from 'vitest';
import { asPaymentId, asUserId } from '../shared/ids.js';
import { anOrder } from '../testing/builders.js';
import { ORDER_STATUSES } from './order.js';
import { decideCancellation, decideExpiry } from './cancel-order.js';

const order = anOrder();
const owner = { reason: 'customer' as const, userId: order.userId };
const payment = { id: asPaymentId('pay-1'), status: 'RETRY' as const };

describe('decideCancellation', () => {
  it("cancels the owner's PENDING order and releases every line", () => {
    expect(decideCancellation(order, null, owner)).toEqual({
      ok: true,
      value: {
        order: { ...order, status: 'CANCELLED' },
        transition: {
          orderId: order.id,
          from: 'PENDING',
          to: 'CANCELLED',
          reason: 'cancelled by customer',
          actor: `user:${order.userId}`,
        },
        release: [
          {
            productId: 'prod-1',
            sku: 'SKU-1',
            kind: 'RELEASE',
            onHandDelta: 0,
            reservedDelta: -2,
            reason: 'cancelled by customer',
          },
        ],
      },
    });
  });

  it("answers another user's order exactly as a missing one", () => {
    const stranger = { reason: 'customer' as const, userId: asUserId('someone-else') };
    expect(decideCancellation(order, null, stranger)).toEqual({
      ok: false,
      error: { code: 'ORDER.NOT_FOUND', orderId: order.id },
    });
  });

  it.each(ORDER_STATUSES.filter((s) => s !== 'PENDING'))('refuses a %s order', (status) => {
    expect(decideCancellation({ ...order, status }, null, owner)).toEqual({
      ok: false,
      error: { code: 'ORDER.NOT_PENDING', orderId: order.id, status },
    });
  });

  it('leaves an order with a payment to the payment engine, for the customer and the sweep alike', () => {
    const refused = {
      ok: false,
      error: {
        code: 'PAYMENT.ALREADY_PAID',
        orderId: order.id,
        paymentId: 'pay-1',
        status: 'RETRY',
      },
    };
    expect(decideCancellation(order, payment, owner)).toEqual(refused);
    expect(decideCancellation(order, payment, { reason: 'expired' })).toEqual(refused);
  });
});

describe('decideExpiry', () => {
  it('cancels a PENDING order from its expiry instant on, as the system', () => {
    expect(decideExpiry(order, null, order.expiresAt - 1)).toBeNull();
    const plan = decideExpiry(order, null, order.expiresAt);
    expect(plan?.transition).toMatchObject({ reason: 'expired', actor: 'system', to: 'CANCELLED' });
    expect(plan?.release.map((m) => m.reason)).toEqual(['expired']);
  });

  it('does nothing for an order with a payment or one that left PENDING', () => {
    expect(decideExpiry(order, payment, order.expiresAt + 1)).toBeNull();
    expect(decideExpiry({ ...order, status: 'CONFIRMED' }, null, order.expiresAt + 1)).toBeNull();
  });
});
