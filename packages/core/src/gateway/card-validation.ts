import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import { err, ok, type Result } from '../shared/result.js';

/**
 * Card checks done before anything is created (DESIGN §2 Gateway simulator): Luhn, expiry in the
 * future, CVC length. Only brand and last4 leave this module; the full number is never returned.
 */
export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** Why a card was refused: malformed input, failed checksum, past expiry, or bad CVC. */
export const INVALID_CARD_REASONS = ['format', 'luhn', 'expired', 'cvc'] as const;
export type InvalidCardReason = (typeof INVALID_CARD_REASONS)[number];

export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  /** Four digits, or two (`27` means 2027). */
  readonly expYear: number;
  readonly cvc: string;
}

/** What may be kept about a card. The keyed fingerprint is added by the server. */
export interface CardSummary {
  readonly brand: CardBrand;
  readonly last4: string;
}

/** Strips the spaces and dashes people type between digit groups. */
export function normalizeCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** The Luhn checksum over a string of digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The card network, from the number's issuer prefix. */
export function detectCardBrand(digits: string): CardBrand {
  if (/^3[47]/.test(digits)) return 'amex';
  if (digits.startsWith('4')) return 'visa';
  const first4 = Number(digits.slice(0, 4));
  if (/^5[1-5]/.test(digits) || (first4 >= 2221 && first4 <= 2720)) return 'mastercard';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
}

/** Four-digit year; two-digit years are taken as 20xx, as printed on cards. */
function fullYear(expYear: number): number {
  return expYear < 100 ? 2000 + expYear : expYear;
}

/** A card is valid through the last millisecond of its expiry month (UTC). */
export function isCardExpired(expMonth: number, expYear: number, now: number): boolean {
  // Date.UTC with month index = expMonth is the first instant of the following month.
  return now >= Date.UTC(fullYear(expYear), expMonth, 1);
}

function hasValidShape(digits: string, card: CardInput): boolean {
  const yearOk = Number.isInteger(card.expYear) && card.expYear >= 0 && card.expYear <= 9999;
  const monthOk = Number.isInteger(card.expMonth) && card.expMonth >= 1 && card.expMonth <= 12;
  return /^\d{12,19}$/.test(digits) && monthOk && yearOk;
}

/**
 * Validates a card at instant `now` (epoch ms) and returns only `{ brand, last4 }`, or
 * `PAYMENT.INVALID_CARD` with the first failing check. Amex takes a 4-digit CVC, others 3.
 */
export function validateCard(
  card: CardInput,
  now: number,
): Result<CardSummary, DomainErrorOf<'PAYMENT.INVALID_CARD'>> {
  const digits = normalizeCardNumber(card.number);
  const invalid = (reason: InvalidCardReason) =>
    err(domainError('PAYMENT.INVALID_CARD', { reason }));
  if (!hasValidShape(digits, card)) return invalid('format');
  if (!passesLuhn(digits)) return invalid('luhn');
  if (isCardExpired(card.expMonth, card.expYear, now)) return invalid('expired');
  const brand = detectCardBrand(digits);
  const cvcPattern = brand === 'amex' ? /^\d{4}$/ : /^\d{3}$/;
  if (!cvcPattern.test(card.cvc)) return invalid('cvc');
  return ok({ brand, last4: digits.slice(-4) });
}
