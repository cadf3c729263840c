import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GatewayOutcome } from '../gateway/card-simulator.js';
import {
  classifyOutcome,
  createRetryPolicy,
  DEFAULT_RETRY_POLICY,
  hasAttemptsLeft,
  nominalDelay,
  retryDelay,
  type RetryPolicy,
} from './retry-policy.js';

const policyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 10 }),
    baseMs: fc.integer({ min: 0, max: 10_000 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    extraCap: fc.integer({ min: 0, max: 60_000 }),
  })
  .map(({ extraCap, ...p }) => createRetryPolicy({ ...p, capMs: p.baseMs + extraCap }));
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const attemptNo = fc.integer({ min: 1, max: 60 });

describe('retry policy defaults (DESIGN §2)', () => {
  it('are 3 attempts in all, base 200 ms, factor 2, cap 5 s', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 3, baseMs: 200, factor: 2, capMs: 5000 });
    expect(createRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('wait 200, 400, 800 … ms nominally, capped at 5 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => nominalDelay(n));
    expect(delays).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('allow attempts 1 and 2 to be followed by another, not attempt 3', () => {
    expect([1, 2, 3].map((n) => hasAttemptsLeft(n, DEFAULT_RETRY_POLICY))).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('retryDelay', () => {
  it('is always a whole number of ms within [½·d, d] of the nominal delay d ≤ cap', () => {
    fc.assert(
      fc.property(policyArb, attemptNo, unit, (policy, n, r) => {
        const d = nominalDelay(n, policy);
        const delay = retryDelay(n, policy, () => r);
        expect(d).toBeLessThanOrEqual(policy.capMs);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(d / 2);
        expect(delay).toBeLessThanOrEqual(d);
      }),
    );
  });

  it('spans the whole jitter window: ½·d at random 0, d at random 1', () => {
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(100);
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(200);
    expect(retryDelay(2, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(300);
  });

  it('never rounds an odd nominal delay below half of it', () => {
    const odd = createRetryPolicy({ baseMs: 201 });
    expect(retryDelay(1, odd, () => 0)).toBe(101);
  });

  it('is a pure function of its random source', () => {
    fc.assert(
      fc.property(policyArb, attemptNo, unit, (policy, n, r) => {
        expect(retryDelay(n, policy, () => r)).toBe(retryDelay(n, policy, () => r));
      }),
    );
  });

  it('refuses a random source that leaves [0, 1]', () => {
    expect(() => retryDelay(1, DEFAULT_RETRY_POLICY, () => 1.01)).toThrow(RangeError);
    expect(() => retryDelay(1, DEFAULT_RETRY_POLICY, () => -0.1)).toThrow(RangeError);
    expect(() => retryDelay(1, DEFAULT_RETRY_POLICY, () => Number.NaN)).toThrow(RangeError);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => nominalDelay(0)).toThrow(RangeError);
    expect(() => nominalDelay(1.5)).toThrow(RangeError);
  });
});

describe('createRetryPolicy', () => {
  it.each([
    [{ maxAttempts: 0 }],
    [{ maxAttempts: 1.5 }],
    [{ baseMs: -1 }],
    [{ capMs: 100 }],
    [{ factor: 0.5 }],
    [{ factor: Number.POSITIVE_INFINITY }],
  ])('refuses %j', (overrides) => {
    expect(() => createRetryPolicy(overrides)).toThrow(RangeError);
  });

  it('keeps valid overrides', () => {
    expect(createRetryPolicy({ maxAttempts: 5, capMs: 1000 })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 5,
      capMs: 1000,
    });
  });
});

describe('classifyOutcome', () => {
  const classify = (outcome: GatewayOutcome) => classifyOutcome(outcome);
  it('retries errors, never declines', () => {
    expect(classify({ outcome: 'APPROVED' })).toBe('APPROVED');
    expect(classify({ outcome: 'DECLINED', code: 'card_declined' })).toBe('PERMANENT');
    expect(classify({ outcome: 'DECLINED', code: 'insufficient_funds' })).toBe('PERMANENT');
    expect(classify({ outcome: 'ERROR', code: 'processing_error' })).toBe('TRANSIENT');
    expect(classify({ outcome: 'ERROR', code: 'gateway_timeout' })).toBe('TRANSIENT');
  });
});
