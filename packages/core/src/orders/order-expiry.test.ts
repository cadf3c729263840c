import { describe, expect, it } from 'vitest';
import { anOrder, T0 } from '../testing/builders.js';
import { ORDER_STATUSES } from './order.js';
import {
  checkOrderPayable,
  DEFAULT_ORDER_TTL_MS,
  isExpired,
  orderExpiresAt,
} from './order-expiry.js';

const order = anOrder({ createdAt: T0, expiresAt: T0 + DEFAULT_ORDER_TTL_MS });

describe('order expiry', () => {
  it('defaults ORDER_TTL to 15 minutes', () => {
    expect(DEFAULT_ORDER_TTL_MS).toBe(900_000);
    expect(orderExpiresAt(T0)).toBe(T0 + 900_000);
    expect(orderExpiresAt(T0, 1000)).toBe(T0 + 1000);
  });

  it('refuses a TTL that is not a positive integer', () => {
    expect(() => orderExpiresAt(T0, 0)).toThrow(RangeError);
    expect(() => orderExpiresAt(T0, 1.5)).toThrow(RangeError);
  });

  it('expires a PENDING order exactly at its expiry instant, not before', () => {
    expect(isExpired(order, order.expiresAt - 1)).toBe(false);
    expect(isExpired(order, order.expiresAt)).toBe(true);
  });

  it('never expires an order that left PENDING', () => {
    for (const status of ORDER_STATUSES.filter((s) => s !== 'PENDING')) {
      expect(isExpired({ ...order, status }, order.expiresAt + 1)).toBe(false);
    }
  });
});

describe('checkOrderPayable', () => {
  it('accepts a PENDING order before its expiry', () => {
    expect(checkOrderPayable(order, order.expiresAt - 1)).toEqual({ ok: true, value: order });
  });

  it('refuses an order that is not PENDING', () => {
    expect(checkOrderPayable({ ...order, status: 'CONFIRMED' }, T0)).toEqual({
      ok: false,
      error: { code: 'ORDER.NOT_PENDING', orderId: order.id, status: 'CONFIRMED' },
    });
  });

  it('refuses a PENDING order past its expiry even before the sweep cancels it', () => {
    expect(checkOrderPayable(order, order.expiresAt)).toEqual({
      ok: false,
      error: { code: 'ORDER.EXPIRED', orderId: order.id, expiredAt: order.expiresAt },
    });
  });
});
