import { describe, expect, it } from 'vitest';
import { anOrder } from '../testing/builders.js';
import { checkOrderAccess } from './order-access.js';

const order = anOrder();
const notFound = { ok: false, error: { code: 'ORDER.NOT_FOUND', orderId: order.id } };

describe('checkOrderAccess', () => {
  it('hands the owner their order, as it came', () => {
    const access = checkOrderAccess(order, { orderId: order.id, userId: order.userId });
    expect(access).toEqual({ ok: true, value: order });
    expect(access.ok && access.value).toBe(order);
  });

  it("answers another user's order exactly as a missing one: NOT_FOUND, never FORBIDDEN", () => {
    const stranger = { orderId: order.id, userId: 'someone-else' };
    expect(checkOrderAccess(order, stranger)).toEqual(notFound);
    expect(checkOrderAccess(null, stranger)).toEqual(notFound);
    expect(checkOrderAccess(null, { orderId: order.id, userId: order.userId })).toEqual(notFound);
  });

  it('lets an admin reach any order only where the request allows one', () => {
    const admin = { orderId: order.id, userId: 'an-admin' };
    expect(checkOrderAccess(order, { ...admin, isAdmin: true })).toEqual({
      ok: true,
      value: order,
    });
    expect(checkOrderAccess(order, { ...admin, isAdmin: false })).toEqual(notFound);
    expect(checkOrderAccess(order, admin)).toEqual(notFound);
    // An admin asking for an order that does not exist is told so like anyone else.
    expect(checkOrderAccess(null, { ...admin, isAdmin: true })).toEqual(notFound);
  });

  it('reads the owner off a row loaded with the order, and hands the row back', () => {
    const locked = { order, lines: [] };
    expect(checkOrderAccess(locked, { orderId: order.id, userId: order.userId })).toEqual({
      ok: true,
      value: locked,
    });
    expect(checkOrderAccess(locked, { orderId: order.id, userId: 'someone-else' })).toEqual(
      notFound,
    );
  });
});
