/**
 * Money as integer minor units plus a currency. There is no float anywhere: amounts are safe
 * integers, multiplication is by an integer quantity only, and every result is checked with
 * `Number.isSafeInteger`. A violation (mixed currencies, overflow, fractional cents) is a caller
 * bug, so it throws instead of returning a Result.
 */
export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const DEFAULT_CURRENCY: Currency = 'USD';

export interface Money {
  readonly amountCents: number;
  readonly currency: Currency;
}

function safeCents(amountCents: number, what: string): number {
  if (!Number.isSafeInteger(amountCents)) {
    throw new RangeError(`${what} must be a safe integer number of cents, got ${amountCents}`);
  }
  // Normalise -0 so that equal amounts serialise identically.
  return amountCents === 0 ? 0 : amountCents;
}

function sameCurrency(a: Money, b: Money): Currency {
  if (a.currency !== b.currency) {
    throw new TypeError(`cannot combine ${a.currency} with ${b.currency}`);
  }
  return a.currency;
}

/** Builds a {@link Money}; throws unless `amountCents` is a safe integer. */
export function money(amountCents: number, currency: Currency = DEFAULT_CURRENCY): Money {
  return { amountCents: safeCents(amountCents, 'amount'), currency };
}

/** Zero in the given currency. */
export function zeroMoney(currency: Currency = DEFAULT_CURRENCY): Money {
  return money(0, currency);
}

/** `a + b`; throws on mixed currencies or overflow. */
export function addMoney(a: Money, b: Money): Money {
  const currency = sameCurrency(a, b);
  return money(safeCents(a.amountCents + b.amountCents, 'sum'), currency);
}

/** `a - b`; throws on mixed currencies or overflow. */
export function subtractMoney(a: Money, b: Money): Money {
  const currency = sameCurrency(a, b);
  return money(safeCents(a.amountCents - b.amountCents, 'difference'), currency);
}

/** `m × quantity` for an integer quantity; throws on a fractional quantity or overflow. */
export function multiplyMoney(m: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) {
    throw new RangeError(`quantity must be an integer, got ${quantity}`);
  }
  return money(safeCents(m.amountCents * quantity, 'product'), m.currency);
}

/** `-m`. */
export function negateMoney(m: Money): Money {
  return money(-m.amountCents, m.currency);
}

/** Sum of a list in one currency (zero for an empty list). */
export function sumMoney(items: readonly Money[], currency: Currency = DEFAULT_CURRENCY): Money {
  return items.reduce(addMoney, zeroMoney(currency));
}

/** True when both amount and currency match. */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.amountCents === b.amountCents && a.currency === b.currency;
}

/** `"-12.34"` from integer cents, by integer division so no float can round a cent away. */
export function formatCents(amountCents: number): string {
  const sign = amountCents < 0 ? '-' : '';
  const abs = Math.abs(amountCents);
  const units = (abs - (abs % 100)) / 100;
  return `${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}

/** `"12.34 USD"`. */
export function formatMoney(m: Money): string {
  return `${formatCents(m.amountCents)} ${m.currency}`;
}
