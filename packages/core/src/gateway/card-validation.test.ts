import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T0 } from '../testing/builders.js';
import { TEST_CARDS } from './card-simulator.js';
import {
  detectCardBrand,
  isCardExpired,
  normalizeCardNumber,
  passesLuhn,
  validateCard,
  type CardInput,
} from './card-validation.js';

// T0 is 2030-01-15.
const card = (overrides: Partial<CardInput> = {}): CardInput => ({
  number: '4242424242424242',
  expMonth: 12,
  expYear: 2031,
  cvc: '123',
  ...overrides,
});
const invalid = (reason: string) => ({
  ok: false,
  error: { code: 'PAYMENT.INVALID_CARD', reason },
});

describe('passesLuhn', () => {
  it('accepts every card of the DESIGN table', () => {
    for (const number of Object.values(TEST_CARDS)) expect(passesLuhn(number)).toBe(true);
  });

  it('rejects any single-digit change of a valid number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (pos, bump) => {
        const digits = Array.from(TEST_CARDS.visaApproved);
        digits[pos] = String((Number(digits[pos]) + bump) % 10);
        return !passesLuhn(digits.join(''));
      }),
    );
  });
});

describe('detectCardBrand', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['6445644564456445', 'discover'],
    ['6500000000000002', 'discover'],
    ['3530111333300000', 'unknown'],
    ['2720990000000007', 'mastercard'],
    ['2721000000000000', 'unknown'],
  ])('%s is %s', (number, brand) => {
    expect(detectCardBrand(number)).toBe(brand);
  });
});

describe('isCardExpired', () => {
  it('keeps a card valid through the last millisecond of its expiry month (UTC)', () => {
    const endOfJan2030 = Date.UTC(2030, 1, 1) - 1;
    expect(isCardExpired(1, 2030, endOfJan2030)).toBe(false);
    expect(isCardExpired(1, 2030, endOfJan2030 + 1)).toBe(true);
    expect(isCardExpired(12, 2029, T0)).toBe(true);
  });

  it('reads a two-digit year as 20xx', () => {
    expect(isCardExpired(1, 30, Date.UTC(2030, 0, 31))).toBe(false);
    expect(isCardExpired(1, 30, Date.UTC(2030, 1, 1))).toBe(true);
  });
});

describe('validateCard', () => {
  it('returns only brand and last4 for a good card', () => {
    expect(validateCard(card(), T0)).toEqual({ ok: true, value: { brand: 'visa', last4: '4242' } });
  });

  it('accepts the spaces and dashes people type', () => {
    const result = validateCard(card({ number: '5555 5555-5555 4444' }), T0);
    expect(result).toEqual({ ok: true, value: { brand: 'mastercard', last4: '4444' } });
    expect(normalizeCardNumber(' 4242 4242\t4242-4242 ')).toBe('4242424242424242');
  });

  it.each([
    ['letters in the number', card({ number: '4242abcd42424242' })],
    ['too short', card({ number: '42424242424' })],
    ['too long', card({ number: '42424242424242424242' })],
    ['month 0', card({ expMonth: 0 })],
    ['month 13', card({ expMonth: 13 })],
    ['fractional year', card({ expYear: 2031.5 })],
    ['negative year', card({ expYear: -1 })],
  ])('refuses %s as format', (_name, input) => {
    expect(validateCard(input, T0)).toEqual(invalid('format'));
  });

  it('refuses a number failing Luhn', () => {
    expect(validateCard(card({ number: '4242424242424241' }), T0)).toEqual(invalid('luhn'));
  });

  it('refuses an expired card', () => {
    expect(validateCard(card({ expMonth: 12, expYear: 2029 }), T0)).toEqual(invalid('expired'));
  });

  it('wants three CVC digits, four for amex', () => {
    expect(validateCard(card({ cvc: '12' }), T0)).toEqual(invalid('cvc'));
    expect(validateCard(card({ cvc: '1234' }), T0)).toEqual(invalid('cvc'));
    const amex = card({ number: '378282246310005', cvc: '1234' });
    expect(validateCard(amex, T0)).toEqual({ ok: true, value: { brand: 'amex', last4: '0005' } });
    expect(validateCard({ ...amex, cvc: '123' }, T0)).toEqual(invalid('cvc'));
  });

  it('never echoes the card number in its result', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,19}$/), (number) => {
        const text = JSON.stringify(validateCard(card({ number }), T0));
        return !text.includes(number);
      }),
    );
  });
});
