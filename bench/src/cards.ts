import { passesLuhn } from '@orders/core';

/** A valid Visa number of its own for each virtual user (the simulator approves it). */
export function cardNumberFor(user: number): string {
  const body = `45${String(user).padStart(13, '0')}`;
  for (let digit = 0; digit <= 9; digit++) {
    if (passesLuhn(body + String(digit))) return body + String(digit);
  }
  throw new Error('no Luhn check digit found'); // one of ten always passes
}
