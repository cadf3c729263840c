import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../orders/order.js';
import {
  aggregateOf,
  EVENT_TYPES,
  isEventType,
  orderEventType,
  paymentEventTypes,
  refundEventTypes,
} from './event-types.js';

describe('event types', () => {
  it('names one order event per order state, each about an order', () => {
    const types = ORDER_STATUSES.map(orderEventType);
    expect(new Set(types).size).toBe(ORDER_STATUSES.length);
    expect(types.map(aggregateOf)).toEqual(ORDER_STATUSES.map(() => 'order'));
    expect(orderEventType('PENDING')).toBe('order.created');
    expect(orderEventType('PARTIALLY_REFUNDED')).toBe('order.partially_refunded');
  });

  it('makes a fraud rejection a creation and a failure, in that order', () => {
    expect(paymentEventTypes({ before: null, after: 'FAILED_FINAL' })).toEqual([
      'payment.created',
      'payment.failed',
    ]);
    expect(paymentEventTypes({ before: null, after: 'PROCESSING' })).toEqual(['payment.created']);
  });

  it('gives every failed attempt its event, and the final state its own after it', () => {
    const retried = { before: 'PROCESSING', after: 'RETRY', attempt: 'ERROR' } as const;
    expect(paymentEventTypes(retried)).toEqual(['payment.attempt_failed']);
    const declined = { before: 'PROCESSING', after: 'FAILED_FINAL', attempt: 'DECLINED' } as const;
    expect(paymentEventTypes(declined)).toEqual(['payment.attempt_failed', 'payment.failed']);
    const approved = { before: 'PROCESSING', after: 'SUCCESS', attempt: 'APPROVED' } as const;
    expect(paymentEventTypes(approved)).toEqual(['payment.succeeded']);
    expect(paymentEventTypes({ before: 'RETRY', after: 'PROCESSING' })).toEqual([]);
  });

  it('gives a refund its creation and its final state', () => {
    expect(refundEventTypes({ before: null, after: 'PROCESSING' })).toEqual(['refund.created']);
    expect(refundEventTypes({ before: 'PROCESSING', after: 'SUCCEEDED' })).toEqual([
      'refund.succeeded',
    ]);
    expect(refundEventTypes({ before: 'RETRY', after: 'FAILED' })).toEqual(['refund.failed']);
    expect(refundEventTypes({ before: 'PROCESSING', after: 'RETRY' })).toEqual([]);
  });

  it('knows its own names and no others', () => {
    expect(EVENT_TYPES.every(isEventType)).toBe(true);
    expect(isEventType('order.shipped')).toBe(false);
    expect(isEventType('')).toBe(false);
  });
});
