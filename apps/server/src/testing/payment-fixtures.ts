import { randomUUID } from 'node:crypto';
import type { TestClient } from './test-client.js';

let cardSerial = 0;

/**
 * A valid Visa number no other test uses (the simulator approves it). Tests that share one card
 * across users would trip the CARD_SHARED fraud rule — as they should.
 */
export function uniqueCardNumber(): string {
  const body = `4${String(process.pid % 100_000).padStart(5, '0')}${String(++cardSerial).padStart(9, '0')}`;
  return body + luhnCheckDigit(body);
}

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A card the simulator knows, with a valid future expiry. */
export function card(number: string = uniqueCardNumber()) {
  return { type: 'card' as const, number, expMonth: 12, expYear: 2099, cvc: '123' };
}

/** Stocks `sku` (admin) and places an order for `quantity` of it (customer). */
export async function placeOrderFor(
  admin: TestClient,
  customer: TestClient,
  input: { sku: string; quantity?: number; onHand?: number; priceCents?: number },
) {
  await admin.inventory.upsert.mutate({
    sku: input.sku,
    name: `Product ${input.sku}`,
    priceCents: input.priceCents ?? 1250,
    onHand: input.onHand ?? 10,
  });
  return customer.orders.create.mutate({
    items: [{ sku: input.sku, quantity: input.quantity ?? 2 }],
  });
}

/** Pays an order with a fresh idempotency key. */
export function pay(
  customer: TestClient,
  orderId: string,
  number?: string,
  idempotencyKey = randomUUID(),
) {
  return customer.payments.pay.mutate({ orderId, paymentMethod: card(number), idempotencyKey });
}
