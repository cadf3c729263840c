import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  formatCents,
  formatMoney,
  money,
  moneyEquals,
  multiplyMoney,
  negateMoney,
  subtractMoney,
  sumMoney,
  zeroMoney,
} from './money.js';

const cents = fc.integer({ min: -1e12, max: 1e12 });
const quantity = fc.integer({ min: -1000, max: 1000 });

describe('money', () => {
  it('defaults to USD and refuses fractional or unsafe cents', () => {
    expect(money(100)).toEqual({ amountCents: 100, currency: 'USD' });
    expect(() => money(10.5)).toThrow(RangeError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => money(Number.NaN)).toThrow(RangeError);
  });

  it('adds, subtracts, negates and sums in whole cents', () => {
    expect(addMoney(money(199), money(1))).toEqual(money(200));
    expect(subtractMoney(money(199), money(200))).toEqual(money(-1));
    expect(negateMoney(money(5, 'EUR'))).toEqual(money(-5, 'EUR'));
    expect(sumMoney([money(1), money(2), money(3)])).toEqual(money(6));
    expect(sumMoney([], 'GBP')).toEqual(zeroMoney('GBP'));
  });

  it('refuses to combine currencies', () => {
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow(TypeError);
    expect(() => subtractMoney(money(1, 'USD'), money(1, 'GBP'))).toThrow(TypeError);
  });

  it('multiplies by integer quantities only', () => {
    expect(multiplyMoney(money(1250), 3)).toEqual(money(3750));
    expect(() => multiplyMoney(money(1250), 1.5)).toThrow(RangeError);
  });

  it('throws instead of overflowing the safe-integer range', () => {
    const big = money(Number.MAX_SAFE_INTEGER);
    expect(() => addMoney(big, money(1))).toThrow(RangeError);
    expect(() => multiplyMoney(big, 2)).toThrow(RangeError);
  });

  it('never produces a fraction of a cent', () => {
    fc.assert(
      fc.property(cents, cents, quantity, (a, b, q) => {
        const results = [
          addMoney(money(a), money(b)),
          subtractMoney(money(a), money(b)),
          multiplyMoney(money(a), q),
          negateMoney(money(a)),
        ];
        return results.every((m) => Number.isSafeInteger(m.amountCents));
      }),
    );
  });

  it('normalises negative zero so equal amounts look equal', () => {
    expect(Object.is(negateMoney(money(0)).amountCents, 0)).toBe(true);
    expect(moneyEquals(money(0), negateMoney(money(0)))).toBe(true);
    expect(moneyEquals(money(1, 'USD'), money(1, 'EUR'))).toBe(false);
  });

  it('formats cents with integer arithmetic', () => {
    expect(formatMoney(money(123456))).toBe('1234.56 USD');
    expect(formatMoney(money(-5, 'EUR'))).toBe('-0.05 EUR');
    expect(formatCents(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });
});
