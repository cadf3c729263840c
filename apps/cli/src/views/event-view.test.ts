import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { eventLine, eventSummary, eventTable, type EventLike } from './event-view.js';

const plain = new Chalk({ level: 0 });
const ORDER_ID = '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

function event(
  type: string,
  object: Record<string, unknown>,
  previous: Record<string, unknown> = {},
  extra: { reason?: string; version?: number } = {},
): EventLike {
  return {
    type,
    createdAt: '2030-01-02T03:04:05.678Z',
    cursor: '7519-42',
    aggregate: { type: type.split('.')[0] ?? '?', id: ORDER_ID, version: extra.version ?? 2 },
    data: { object, previous, ...(extra.reason && { reason: extra.reason }) },
  };
}

const payment = (status: string, extra: Record<string, unknown> = {}) => ({
  status,
  amountCents: 3249,
  currency: 'USD',
  card: { brand: 'visa', last4: '4242' },
  failureCode: null,
  nextAttemptAt: null,
  attempts: [{ number: 1, outcome: 'ERROR', code: 'gateway_timeout' }],
  ...extra,
});

const summary = (e: EventLike) => eventSummary(e, plain);

describe('event views', () => {
  it('say what moved and by how much', () => {
    const order = { status: 'CONFIRMED', totalCents: 3249, currency: 'USD', lines: [] };
    expect(summary(event('order.confirmed', order, { status: 'PENDING' }))).toBe(
      'status PENDING → CONFIRMED · $32.49',
    );
    const created = { ...order, status: 'PENDING', lines: [{ quantity: 2 }, { quantity: 1 }] };
    expect(summary(event('order.created', created))).toBe('status PENDING · $32.49 · 3 items');
    expect(
      summary(
        event(
          'order.cancelled',
          { ...order, status: 'CANCELLED' },
          { status: 'PENDING' },
          { reason: 'expired' },
        ),
      ),
    ).toBe('status PENDING → CANCELLED · expired · $32.49');
    // The order's total is not what a refund gave back: it is left out.
    expect(
      summary(event('order.refunded', { ...order, status: 'REFUNDED' }, { status: 'CONFIRMED' })),
    ).toBe('status CONFIRMED → REFUNDED');
  });

  it('name the failed attempt of a payment, and when the next one is due', () => {
    const retry = payment('RETRY', { nextAttemptAt: '2030-01-02T03:04:09.000Z' });
    expect(summary(event('payment.attempt_failed', retry, { status: 'PROCESSING' }))).toBe(
      'attempt 1 ERROR gateway_timeout · retry at 03:04:09Z',
    );
    const final = payment('FAILED_FINAL', { failureCode: 'RETRIES_EXHAUSTED' });
    expect(summary(event('payment.attempt_failed', final, { status: 'PROCESSING' }))).toBe(
      'attempt 1 ERROR gateway_timeout',
    );
    expect(summary(event('payment.failed', final, { status: 'PROCESSING' }))).toBe(
      'status PROCESSING → FAILED_FINAL · RETRIES_EXHAUSTED · $32.49',
    );
    expect(summary(event('payment.created', payment('PROCESSING')))).toBe(
      '$32.49 · visa •••• 4242 · status PROCESSING',
    );
  });

  it('show a refund with what it put back on the shelf', () => {
    const refund = {
      status: 'SUCCEEDED',
      amountCents: 1250,
      currency: 'USD',
      reason: 'duplicate',
      failureCode: null,
      restock: [{ sku: 'MUG', quantity: 1 }],
    };
    expect(summary(event('refund.succeeded', refund, { status: 'PROCESSING' }))).toBe(
      'status PROCESSING → SUCCEEDED · $12.50 · 1 × MUG restocked',
    );
    expect(summary(event('refund.created', { ...refund, status: 'PROCESSING' }))).toBe(
      '$12.50 · duplicate · status PROCESSING',
    );
  });

  it('show a new product, and the fields of a changed one, old → new', () => {
    const mug = { sku: 'MUG', name: 'Enamel mug', priceCents: 1250, currency: 'USD', onHand: 10 };
    expect(summary(event('product.updated', mug))).toBe('MUG · "Enamel mug" · $12.50 · 10 on hand');
    expect(
      summary(
        event(
          'product.updated',
          { ...mug, priceCents: 1400, onHand: 12 },
          { priceCents: 1250, onHand: 10, available: 10 },
        ),
      ),
    ).toBe('MUG · price $12.50 → $14.00 · on hand 10 → 12');
  });

  it('list the changed fields of an event type it does not know', () => {
    const unknown = { ...event('invoice.paid', { paid: true }, { paid: false, total: 1 }) };
    expect(summary({ ...unknown, aggregate: { ...unknown.aggregate, type: 'invoice' } })).toBe(
      'changed paid, total',
    );
  });

  it('line up live events in fixed columns, and pages in a table', () => {
    const order = { status: 'CONFIRMED', totalCents: 3249, currency: 'USD', lines: [] };
    const confirmed = event('order.confirmed', order, { status: 'PENDING' });
    expect(eventLine(confirmed, plain)).toBe(
      `2030-01-02 03:04:05Z  order.confirmed           ${ORDER_ID}    v2  status PENDING → CONFIRMED · $32.49  7519-42`,
    );
    expect(eventTable([confirmed], plain)).toEqual([
      'TIME                  TYPE             AGGREGATE                             VER  CHANGE                               CURSOR',
      `2030-01-02 03:04:05Z  order.confirmed  ${ORDER_ID}    2  status PENDING → CONFIRMED · $32.49  7519-42`,
    ]);
  });
});
