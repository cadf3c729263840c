import { describe, expect, it } from 'vitest';
import { passesLuhn } from '@orders/core';
import { cardFrom, checkCard } from './card-prompts.js';
import { ExitError } from './errors.js';
import { neverEndingStdin } from './testing/run-cli.js';

const noTerminal = { interactive: false, input: neverEndingStdin(), output: process.stdout };

describe('card details', () => {
  it('pass the Luhn check for the simulator cards, and fail it for one mistyped digit', () => {
    for (const card of [
      '4242424242424242',
      '4000000000000341',
      '4100000000000019',
      '5555555555554444',
    ]) {
      expect(passesLuhn(card)).toBe(true);
    }
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('4242424242424224')).toBe(false);
  });

  it('come from the flags alone when all are given, with no terminal needed', async () => {
    const card = await cardFrom(
      { card: '4242 4242 4242 4242 ', exp: { expMonth: 12, expYear: 2035 }, cvc: '123' },
      noTerminal,
    );
    expect(card).toEqual({
      number: '4242 4242 4242 4242 ',
      expMonth: 12,
      expYear: 2035,
      cvc: '123',
    });
  });

  it('are a usage error naming the first missing flag when there is no terminal to ask on', async () => {
    const error = await cardFrom({ card: '4242424242424242' }, noTerminal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({
      code: 2,
      message: 'missing card expiry — pass --exp <MM/YY> (no terminal to ask on)',
    });
  });

  it('are refused as the server would refuse them, before any request, with its words', () => {
    const now = Date.parse('2030-06-15T00:00:00Z');
    const card = { number: '4242424242424242', expMonth: 6, expYear: 2030, cvc: '123' };
    expect(checkCard(card, now)).toBe(card);
    const cases = [
      [{ number: '4242424242424241' }, 'The card was refused: the card number is not valid.'],
      [{ expMonth: 5 }, 'The card was refused: the card has expired.'],
      [{ cvc: '1234' }, 'The card was refused: the security code is not valid.'],
      [{ number: '4242' }, 'The card was refused: the card details are malformed.'],
    ] as const;
    for (const [change, message] of cases) {
      expect(() => checkCard({ ...card, ...change }, now)).toThrow(
        expect.objectContaining({ code: 2, message }),
      );
    }
  });
});
