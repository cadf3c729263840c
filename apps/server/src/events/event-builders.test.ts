import { asOrderId, asProductId, asSku, asUserId, money, type Order } from '@orders/core';
import { describe, expect, it } from 'vitest';
import { orderEvent, orderMovedEvent, productEvent } from './event-builders.js';

const at = new Date('2026-12-04T12:00:00.000Z');
const order: Order = {
  id: asOrderId('7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f'),
  userId: asUserId('d754b104-1a2b-4c3d-8e4f-5a6b7c8d9e0f'),
  status: 'PENDING',
  total: money(2_500, 'USD'),
  lines: [
    {
      productId: asProductId('a1b2c3d4-1a2b-4c3d-8e4f-5a6b7c8d9e0f'),
      sku: asSku('MUG-01'),
      name: 'Mug',
      quantity: 2,
      unitPriceCents: 1_250,
      lineTotalCents: 2_500,
    },
  ],
  createdAt: at.getTime(),
  expiresAt: at.getTime() + 900_000,
};
const product = {
  productId: asProductId('a1b2c3d4-1a2b-4c3d-8e4f-5a6b7c8d9e0f'),
  sku: asSku('MUG-01'),
  name: 'Mug',
  priceCents: 1_250,
  currency: 'USD' as const,
  onHand: 10,
  reserved: 2,
};

describe('the events of a change', () => {
  it('show a new order as the API does, owned by its customer, with nothing previous', () => {
    const created = orderEvent(order, null, at);
    expect(created).toMatchObject({
      type: 'order.created',
      aggregateType: 'order',
      aggregateId: order.id,
      ownerId: order.userId,
      createdAt: at,
      data: {
        object: { id: order.id, status: 'PENDING', totalCents: 2_500, currency: 'USD' },
        previous: {},
      },
    });
    expect(created.id).toMatch(/^evt_[0-9a-f-]{36}$/);
    expect(created.data).not.toHaveProperty('reason');
  });

  it('name the state an order moved to, keep its old status as previous and say why it was cancelled', () => {
    expect(orderMovedEvent(order, 'CONFIRMED', at).data).toMatchObject({
      object: { status: 'CONFIRMED' },
      previous: { status: 'PENDING' },
    });
    const cancelled = orderMovedEvent(order, 'CANCELLED', at, { reason: 'expired' });
    expect(cancelled.type).toBe('order.cancelled');
    expect(cancelled.data.reason).toBe('expired');
  });

  it('give a product change to admins only, with what it was, and no event for no change', () => {
    const repriced = productEvent({ ...product, priceCents: 1_500 }, product, at);
    expect(repriced).toMatchObject({
      type: 'product.updated',
      ownerId: null,
      aggregateId: product.productId,
      data: { object: { sku: 'MUG-01', priceCents: 1_500 }, previous: { priceCents: 1_250 } },
    });
    expect(productEvent(product, product, at)).toBeNull();
    expect(productEvent(product, null, at)?.data.previous).toEqual({});
  });
});
