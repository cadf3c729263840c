import { describe, expect, it } from 'vitest';
import { previousValues } from './previous-values.js';

describe('previousValues', () => {
  it('is empty for a creation', () => {
    expect(previousValues(null, { id: 'a', status: 'PENDING' })).toEqual({});
  });

  it('holds the old value of each changed field and nothing that did not change', () => {
    type Shown = Record<string, unknown>;
    const before: Shown = {
      id: 'a',
      status: 'PENDING',
      lines: [{ sku: 'A', quantity: 1 }],
      note: null,
    };
    const after: Shown = {
      id: 'a',
      status: 'CONFIRMED',
      lines: [{ quantity: 1, sku: 'A' }],
      note: 'x',
    };
    expect(previousValues(before, after)).toEqual({ status: 'PENDING', note: null });
  });

  it('records a field the old object did not have as null', () => {
    expect(
      previousValues<Record<string, unknown>>({ id: 'a' }, { id: 'a', refundedCents: 100 }),
    ).toEqual({
      refundedCents: null,
    });
  });
});
