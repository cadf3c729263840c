import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEBHOOK_SCHEDULE,
  maxDeliveryAttempts,
  nextDeliveryAt,
  parseWebhookSchedule,
  WEBHOOK_JITTER,
} from './retry-schedule.js';
import { planRedelivery, settleDelivery, WEBHOOK_DELIVERY_STATUSES } from './settle-delivery.js';
import { checkWebhookUrl, isForbiddenAddress } from './ssrf.js';
import { wantsEvent } from './wants-event.js';

const now = new Date('2026-12-08T00:00:00.000Z');
const unit = fc.double({ min: 0, max: 1, noNaN: true });

describe('nextDeliveryAt', () => {
  it('spreads the default schedule over about 3 days, then gives up', () => {
    const total = DEFAULT_WEBHOOK_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5 * 86_400_000);
    expect(total).toBeLessThanOrEqual(3.2 * 86_400_000);
    expect(DEFAULT_WEBHOOK_SCHEDULE.slice(0, 3)).toEqual([5_000, 300_000, 1_800_000]);
    const last = maxDeliveryAttempts(DEFAULT_WEBHOOK_SCHEDULE);
    expect(nextDeliveryAt(last - 1, now, DEFAULT_WEBHOOK_SCHEDULE, () => 1)).not.toBeNull();
    expect(nextDeliveryAt(last, now, DEFAULT_WEBHOOK_SCHEDULE, () => 1)).toBeNull();
  });

  it('waits within [(1 − jitter)·d, d] of the nominal wait, in whole ms', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        unit,
        (schedule, n, r) => {
          const at = nextDeliveryAt(n, now, schedule, () => r);
          const d = schedule[n - 1];
          if (d === undefined) {
            expect(at).toBeNull();
            return;
          }
          const wait = at!.getTime() - now.getTime();
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(d * (1 - WEBHOOK_JITTER)));
          expect(wait).toBeLessThanOrEqual(d);
        },
      ),
    );
  });

  it('refuses a bad attempt number or random source', () => {
    expect(() => nextDeliveryAt(0, now)).toThrow(RangeError);
    expect(() => nextDeliveryAt(1, now, [10], () => 2)).toThrow(RangeError);
  });

  it('parses WEBHOOK_RETRY_SCHEDULE', () => {
    expect(parseWebhookSchedule('100, 200,300')).toEqual([100, 200, 300]);
    expect(parseWebhookSchedule('100,x')).toBeNull();
    expect(parseWebhookSchedule('')).toBeNull();
  });
});

describe('settleDelivery', () => {
  const base = {
    attemptNo: 1,
    now,
    consecutiveFailures: 0,
    endpointEnabled: true,
    redeliverRequested: false,
    schedule: [1000, 2000],
    disableAfter: 20,
    random: () => 1,
  };

  it('delivers on any 2xx and ends the failure streak', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 299 }), fc.nat(100), (statusCode, streak) => {
        expect(
          settleDelivery({ ...base, outcome: { statusCode }, consecutiveFailures: streak }),
        ).toEqual({ status: 'DELIVERED', consecutiveFailures: 0, disable: false });
      }),
    );
  });

  it('retries anything else on the schedule (410 included), then fails', () => {
    for (const statusCode of [null, 199, 301, 400, 410, 500, 503]) {
      const s1 = settleDelivery({ ...base, outcome: { statusCode } });
      expect(s1).toEqual({
        status: 'RETRY',
        nextAttemptAt: new Date(now.getTime() + 1000),
        consecutiveFailures: 1,
        disable: false,
      });
      const s3 = settleDelivery({ ...base, attemptNo: 3, outcome: { statusCode } });
      expect(s3).toEqual({ status: 'FAILED', consecutiveFailures: 1, disable: false });
    }
  });

  it('disables the endpoint at the WEBHOOK_DISABLE_AFTER-th consecutive failure', () => {
    const before = settleDelivery({
      ...base,
      outcome: { statusCode: 500 },
      consecutiveFailures: 18,
    });
    expect(before).toMatchObject({ status: 'RETRY', consecutiveFailures: 19, disable: false });
    const at = settleDelivery({ ...base, outcome: { statusCode: 500 }, consecutiveFailures: 19 });
    expect(at).toEqual({ status: 'FAILED', consecutiveFailures: 20, disable: true });
  });

  it('disables only an endpoint that is still enabled: one disabling, one event', () => {
    const late = settleDelivery({
      ...base,
      outcome: { statusCode: 500 },
      consecutiveFailures: 25,
      endpointEnabled: false,
    });
    expect(late).toEqual({
      status: 'RETRY',
      nextAttemptAt: new Date(now.getTime() + 1000),
      consecutiveFailures: 26,
      disable: false,
    });
  });

  it('makes a delivery due again at once when a redelivery was asked for during its attempt', () => {
    for (const statusCode of [200, 500, null]) {
      const settled = settleDelivery({
        ...base,
        outcome: { statusCode },
        redeliverRequested: true,
      });
      expect(settled).toMatchObject({ status: 'PENDING', nextAttemptAt: now });
    }
    const disabling = settleDelivery({
      ...base,
      outcome: { statusCode: 500 },
      consecutiveFailures: 19,
      redeliverRequested: true,
    });
    expect(disabling).toEqual({
      status: 'PENDING',
      nextAttemptAt: now,
      consecutiveFailures: 20,
      disable: true,
    });
  });
});

describe('planRedelivery', () => {
  it('resets a delivery at rest, and lets one in flight finish its attempt first', () => {
    for (const status of WEBHOOK_DELIVERY_STATUSES) {
      expect(planRedelivery({ status, leaseUntil: null }, now)).toEqual({ kind: 'reset' });
      const expired = new Date(now.getTime() - 1);
      expect(planRedelivery({ status, leaseUntil: expired }, now)).toEqual({ kind: 'reset' });
    }
    const held = { status: 'PENDING' as const, leaseUntil: new Date(now.getTime() + 1000) };
    expect(planRedelivery(held, now)).toEqual({ kind: 'after-attempt' });
  });
});

describe('wantsEvent', () => {
  it('takes every event when types is null or empty', () => {
    fc.assert(
      fc.property(fc.string(), (t) => {
        expect(wantsEvent(null, t)).toBe(true);
        expect(wantsEvent([], t)).toBe(true);
      }),
    );
  });

  it('matches exact names and prefix.* wildcards', () => {
    expect(wantsEvent(['payment.succeeded'], 'payment.succeeded')).toBe(true);
    expect(wantsEvent(['payment.succeeded'], 'payment.failed')).toBe(false);
    expect(wantsEvent(['payment.*'], 'payment.failed')).toBe(true);
    expect(wantsEvent(['payment.*'], 'order.created')).toBe(false);
    expect(wantsEvent(['*'], 'order.created')).toBe(true);
  });
});

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '100.127.255.255',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '64:ff9b::a9fe:a9fe',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.0.1',
    '172.32.0.1',
    '100.63.0.1',
    '100.128.0.1',
    '169.253.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2001:db8::1',
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as its IPv4 address', () => {
    const byte = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(byte, byte, byte, byte, (a, b, c, d) => {
        const v4 = `${a}.${b}.${c}.${d}`;
        expect(isForbiddenAddress(`::ffff:${v4}`)).toBe(isForbiddenAddress(v4));
      }),
    );
  });
});

describe('checkWebhookUrl', () => {
  it('wants https:// unless private addresses are allowed', () => {
    expect(checkWebhookUrl('https://example.com/hook', false)).toEqual({
      ok: true,
      host: 'example.com',
    });
    expect(checkWebhookUrl('http://example.com/hook', false)).toEqual({
      ok: false,
      error: 'NOT_HTTPS',
    });
    expect(checkWebhookUrl('http://127.0.0.1:3000/', true)).toEqual({
      ok: true,
      host: '127.0.0.1',
    });
    expect(checkWebhookUrl('ftp://example.com', true)).toEqual({ ok: false, error: 'INVALID_URL' });
    expect(checkWebhookUrl('nope', true)).toEqual({ ok: false, error: 'INVALID_URL' });
    expect(checkWebhookUrl('https://u:p@example.com', false)).toEqual({
      ok: false,
      error: 'CREDENTIALS_IN_URL',
    });
  });
});
