// The core's own checks, so the CLI refuses exactly what the server would.
import { describeDomainError, isCardExpired, passesLuhn, validateCard } from '@orders/core';
import { ExitCode, ExitError } from './errors.js';
import { parseExpiry, type CardExpiry } from './option-parsers.js';
import { missing, streams, type Asker } from './prompts.js';

/** What `payments.pay` needs of a card. */
export interface CardDetails extends CardExpiry {
  readonly number: string;
  readonly cvc: string;
}

export interface GivenCard {
  readonly card?: string | undefined;
  readonly exp?: CardExpiry | undefined;
  readonly cvc?: string | undefined;
}

/**
 * The card, from the flags, asking on a terminal only for what they left out: number, expiry,
 * and the CVC masked. Without a terminal each missing part is a usage error naming its flag.
 * Entries are checked as typed (Luhn, MM/YY, digits); the server checks them again.
 */
export async function cardFrom(given: GivenCard, asker: Asker): Promise<CardDetails> {
  if (!asker.interactive) {
    if (given.card === undefined) throw missing('card number', '--card <number>');
    if (given.exp === undefined) throw missing('card expiry', '--exp <MM/YY>');
    if (given.cvc === undefined) throw missing('card CVC', '--cvc <cvc>');
    return { number: given.card, ...given.exp, cvc: given.cvc };
  }
  const { input, password } = await import('@inquirer/prompts');
  const number =
    given.card ??
    (await input(
      { message: 'Card number', required: true, validate: checkCardNumber },
      streams(asker),
    ));
  const exp =
    given.exp ??
    parseExpiry(
      await input(
        { message: 'Expiry (MM/YY)', required: true, validate: checkExpiry },
        streams(asker),
      ),
    );
  const cvc =
    given.cvc ??
    (await password(
      {
        message: 'CVC',
        mask: true,
        validate: (value) => /^\d{3,4}$/.test(value) || 'enter the 3 or 4 digits on the card',
      },
      streams(asker),
    ));
  return { number: number.trim(), ...exp, cvc };
}

/**
 * The server's own card checks (format, Luhn, expiry at `now`, CVC length for the brand), run
 * before any request: a card no retry can fix is exit 2 with the line the server would give.
 */
export function checkCard(card: CardDetails, now: number): CardDetails {
  const verdict = validateCard(card, now);
  if (!verdict.ok) throw new ExitError(ExitCode.usage, describeDomainError(verdict.error));
  return card;
}

function checkCardNumber(value: string): true | string {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return 'enter the 12–19 digits on the card';
  return passesLuhn(digits) || 'that card number is not valid (check the digits)';
}

function checkExpiry(value: string): true | string {
  let expiry: CardExpiry;
  try {
    expiry = parseExpiry(value);
  } catch {
    return 'enter the expiry as MM/YY, e.g. 12/30';
  }
  return !isCardExpired(expiry.expMonth, expiry.expYear, Date.now()) || 'that card has expired';
}
