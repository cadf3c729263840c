/** Symbols for the currencies the server prices in; any other code is printed after the amount. */
const SYMBOLS: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£' };

/**
 * `$1,234.50` from integer cents: whole units and cents come from integer division and
 * remainder, so no float ever touches an amount. Negative amounts read `-$12.50`; a currency
 * without a symbol reads `12.50 CHF`.
 */
export function formatMoney(amountCents: number, currency: string): string {
  if (!Number.isSafeInteger(amountCents)) {
    throw new RangeError(`not a whole number of cents: ${amountCents}`);
  }
  const sign = amountCents < 0 ? '-' : '';
  const abs = Math.abs(amountCents);
  const cents = abs % 100;
  const units = (abs - cents) / 100;
  const digits = `${groupThousands(units)}.${String(cents).padStart(2, '0')}`;
  const symbol = SYMBOLS[currency];
  return symbol === undefined ? `${sign}${digits} ${currency}` : `${sign}${symbol}${digits}`;
}

/** `1234567` → `1,234,567`. */
function groupThousands(units: number): string {
  return String(units).replace(/\B(?=(\d{3})+$)/g, ',');
}
