import { createHmac, hkdfSync } from 'node:crypto';
import { normalizeCardNumber } from '@orders/core';

/** A keyed fingerprint of a card number: the same card always maps to the same value. */
export type CardFingerprinter = (cardNumber: string) => string;

/**
 * HMAC-SHA256 of the normalised card number under a key derived (HKDF) from the server secret.
 * Without the key a fingerprint cannot be brute-forced back to a card number — a plain hash
 * could, since a card number has only ~10^9 unknown digits once the BIN and last4 are known.
 */
export function createCardFingerprinter(serverSecret: string): CardFingerprinter {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'orders', 'card-fingerprint', 32));
  return (cardNumber) =>
    `fp_${createHmac('sha256', key).update(normalizeCardNumber(cardNumber)).digest('hex')}`;
}
