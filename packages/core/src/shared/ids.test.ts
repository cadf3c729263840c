import { describe, expect, it } from 'vitest';
import { asOrderId, asPaymentId, asProductId, asSku, asUserId } from './ids.js';

describe('branded ids', () => {
  it('keeps the string as it is at runtime', () => {
    expect(asUserId('u1')).toBe('u1');
    expect(asOrderId('o1')).toBe('o1');
    expect(asPaymentId('p1')).toBe('p1');
    expect(asProductId('pr1')).toBe('pr1');
    expect(asSku('SKU-1')).toBe('SKU-1');
  });

  it('refuses the empty string', () => {
    for (const make of [asUserId, asOrderId, asPaymentId, asProductId, asSku]) {
      expect(() => make('')).toThrow(TypeError);
    }
  });
});
