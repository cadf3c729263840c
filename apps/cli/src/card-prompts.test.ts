import { describe, expect, it } from 'vitest';
import { passesLuhn } from '@orders/core';
import { cardFrom } from './card-prompts.js';
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
});
