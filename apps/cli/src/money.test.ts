import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.js';

describe('formatMoney', () => {
  it.each([
    [1250, 'USD', '$12.50'],
    [5, 'USD', '$0.05'],
    [0, 'EUR', '€0.00'],
    [123456789, 'GBP', '£1,234,567.89'],
    [-1250, 'USD', '-$12.50'],
    [100000, 'CHF', '1,000.00 CHF'],
  ])('formats %i cents of %s as %s', (cents, currency, text) => {
    expect(formatMoney(cents, currency)).toBe(text);
  });

  it('loses no cent on any safe amount: the digits read back to the same integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        const digits = formatMoney(cents, 'USD').replace(/[$,.]/g, '');
        expect(BigInt(digits)).toBe(BigInt(cents));
      }),
    );
  });

  it('refuses a fractional amount rather than rounding it', () => {
    expect(() => formatMoney(12.5, 'USD')).toThrow(RangeError);
  });
});
