import { InvalidArgumentError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@orders/core';
import {
  collectEventType,
  collectItem,
  collectRestock,
  nonZeroInteger,
  parseAmountCents,
  parseEventCursor,
  parseNote,
  parseRefundReason,
  parseExpiry,
  parseIdempotencyKey,
  parseOrderId,
  wholeNumber,
} from './option-parsers.js';

const collectAll = (values: readonly string[]) =>
  values.reduce<ReturnType<typeof collectItem>>((items, v) => collectItem(v, items), []);

describe('option parsers', () => {
  it('read whole numbers within bounds and refuse anything else', () => {
    const count = wholeNumber(0, 100);
    expect(count('0')).toBe(0);
    expect(count(' 42 ')).toBe(42);
    for (const bad of ['-1', '101', '1.5', '1e2', 'ten', '']) {
      expect(() => count(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read a signed delta but refuse zero', () => {
    const delta = nonZeroInteger(1000);
    expect(delta('-3')).toBe(-3);
    expect(delta('7')).toBe(7);
    expect(() => delta('0')).toThrow('a change of 0 changes nothing');
  });

  it('add the quantities of a SKU given twice, in any letter case, keeping the first order', () => {
    expect(collectAll(['mug=2', 'TEE=1', 'MUG=3'])).toEqual([
      { sku: 'MUG', quantity: 5 },
      { sku: 'TEE', quantity: 1 },
    ]);
  });

  it('refuse an item that is not SKU=QTY with a positive quantity', () => {
    for (const bad of ['MUG', 'MUG=', '=2', 'MUG=0', 'MUG=-1', 'MUG=two']) {
      expect(() => collectItem(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read card expiries as MM/YY or MM/YYYY', () => {
    expect(parseExpiry('12/30')).toEqual({ expMonth: 12, expYear: 2030 });
    expect(parseExpiry('1 / 2031')).toEqual({ expMonth: 1, expYear: 2031 });
    for (const bad of ['13/30', '00/30', '12/3', '1230', 'soon']) {
      expect(() => parseExpiry(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read an order id the way the server does, and refuse what it would refuse', () => {
    expect(parseOrderId(' 7F1C2D3E-4B5A-4C6D-8E9F-0A1B2C3D4E5F ')).toBe(
      '7F1C2D3E-4B5A-4C6D-8E9F-0A1B2C3D4E5F',
    );
    expect(parseOrderId('00000000-0000-0000-0000-000000000000')).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
    for (const bad of ['not-an-order', '7f1c2d3e-4b5a-0c6d-8e9f-0a1b2c3d4e5f', '7f1c2d3e', '']) {
      expect(() => parseOrderId(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read an idempotency key of 1 to 255 characters', () => {
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    for (const bad of ['', 'k'.repeat(256), 'a\u0000b']) {
      expect(() => parseIdempotencyKey(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read a refund amount as a positive whole number of cents, never dollars', () => {
    expect(parseAmountCents(' 1250 ')).toBe(1250);
    for (const bad of ['0', '-5', '12.50', '1e3', '$12', '', '100000000001']) {
      expect(() => parseAmountCents(bad)).toThrow('expected a positive whole number of cents');
    }
  });

  it("read a refund reason in Stripe's words, in any letter case or with dashes", () => {
    expect(parseRefundReason('Requested-By-Customer')).toBe('requested_by_customer');
    expect(parseRefundReason('duplicate')).toBe('duplicate');
    expect(() => parseRefundReason('changed_mind')).toThrow(
      'expected one of requested_by_customer, duplicate, fraudulent, other',
    );
  });

  it('add up restocked units per SKU, at most what one order line holds', () => {
    expect(collectRestock('MUG=1', collectRestock('mug=2'))).toEqual([{ sku: 'MUG', quantity: 3 }]);
    expect(() => collectRestock('MUG')).toThrow('expected SKU=QTY, e.g. --restock KEYBOARD-01=2');
    for (const bad of ['MUG=0', 'MUG=1001']) {
      expect(() => collectRestock(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('read a note of at most 500 characters', () => {
    expect(parseNote(' broken ')).toBe('broken');
    expect(() => parseNote('n'.repeat(501))).toThrow('expected at most 500 characters');
  });

  it('read event types in any letter case, repeated or comma-separated, each once', () => {
    const collected = ['Order.Created', 'payment.failed, order.created', 'refund.succeeded'].reduce<
      ReturnType<typeof collectEventType>
    >((types, v) => collectEventType(v, types), []);
    expect(collected).toEqual(['order.created', 'payment.failed', 'refund.succeeded']);
  });

  it('refuse a name that is no event type, listing every type there is', () => {
    for (const bad of ['order.shipped', 'order', '', 'order.created,', '*']) {
      expect(() => collectEventType(bad)).toThrow(`expected one of ${EVENT_TYPES.join(', ')}`);
    }
  });

  it('read an event cursor as the server writes them, and refuse what it would refuse', () => {
    expect(parseEventCursor(' 7519-42 ')).toBe('7519-42');
    expect(parseEventCursor('0-0')).toBe('0-0');
    expect(parseEventCursor('18446744073709551615-9223372036854775807')).toBe(
      '18446744073709551615-9223372036854775807',
    );
    for (const bad of [
      '',
      '7519',
      '07519-42',
      '7519-042',
      '-1-2',
      '1-2-3',
      'abc-1',
      '1.5-2',
      '18446744073709551616-0',
      '0-9223372036854775808',
    ]) {
      expect(() => parseEventCursor(bad), bad).toThrow('expected an event cursor such as 7519-42');
    }
  });
});
