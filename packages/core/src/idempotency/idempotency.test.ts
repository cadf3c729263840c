import { describe, expect, it } from 'vitest';
import {
  decideIdempotency,
  IDEMPOTENCY_RETENTION_MS,
  isValidIdempotencyKey,
  requestFingerprint,
  type IdempotencyRecord,
} from './idempotency.js';

const hash = requestFingerprint('orders.create', { items: [{ sku: 'A', quantity: 1 }] });
const stored = (state: IdempotencyRecord['state'], requestHash = hash): IdempotencyRecord => ({
  key: 'key-1',
  requestHash,
  state,
});

describe('idempotency keys', () => {
  it('are 1–255 characters, kept at least 24 h', () => {
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('k')).toBe(true);
    expect(isValidIdempotencyKey('k'.repeat(255))).toBe(true);
    expect(isValidIdempotencyKey('k'.repeat(256))).toBe(false);
    expect(IDEMPOTENCY_RETENTION_MS).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
  });
});

describe('requestFingerprint', () => {
  it('ignores key order but not content or operation', () => {
    expect(requestFingerprint('op', { a: 1, b: 2 })).toBe(requestFingerprint('op', { b: 2, a: 1 }));
    expect(requestFingerprint('op', { a: 1 })).not.toBe(requestFingerprint('op', { a: 2 }));
    expect(requestFingerprint('op', { a: 1 })).not.toBe(requestFingerprint('other', { a: 1 }));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('decideIdempotency', () => {
  it('proceeds on the first use of a key', () => {
    expect(decideIdempotency(null, hash)).toEqual({ ok: true, value: 'PROCEED' });
  });

  it('replays a completed request sent again', () => {
    expect(decideIdempotency(stored('COMPLETED'), hash)).toEqual({ ok: true, value: 'REPLAY' });
  });

  it('refuses the same key for a different request, even while the first runs', () => {
    const other = requestFingerprint('orders.create', { items: [{ sku: 'B', quantity: 1 }] });
    const error = { code: 'IDEMPOTENCY.KEY_REUSED', key: 'key-1' };
    expect(decideIdempotency(stored('COMPLETED'), other)).toEqual({ ok: false, error });
    expect(decideIdempotency(stored('IN_PROGRESS'), other)).toEqual({ ok: false, error });
  });

  it('reports a conflict while the same request is still running', () => {
    expect(decideIdempotency(stored('IN_PROGRESS'), hash)).toEqual({
      ok: false,
      error: { code: 'IDEMPOTENCY.IN_PROGRESS', key: 'key-1' },
    });
  });
});
