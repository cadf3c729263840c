import { randomUUID } from 'node:crypto';
import {
  asProductId,
  asSku,
  decideUpsert,
  validateCard,
  type CardSummary,
  type CatalogueItem,
} from '@orders/core';
import { createDatabase, upsertStatements, type ProductExists, type Statement } from '@orders/db';
import { cardNumberFor } from './cards.js';
import { skuName } from './trpc-workload.js';

/** A virtual user: a customer row and a card of its own (so CARD_SHARED never fires). */
export interface Payer {
  readonly userId: string;
  readonly cardNumber: string;
  readonly card: CardSummary;
  readonly cardFingerprint: string;
}

/** What the checkouts run on: the products as remembered, and one payer per worker. */
export interface CheckoutFixture {
  readonly catalogue: readonly CatalogueItem[];
  readonly payers: readonly Payer[];
}

/**
 * Stocks `skus` products generously (core's `decideUpsert`, written with the admin path's
 * statements, so the stock agrees with its movements) and inserts one user per worker.
 */
export async function seedCheckouts(
  url: string,
  input: { users: number; skus: number },
): Promise<CheckoutFixture> {
  const db = createDatabase({ url, poolMax: 2 });
  try {
    const catalogue: CatalogueItem[] = [];
    const context = { orderId: null, actor: 'bench', at: new Date() };
    for (let first = 0; first < input.skus; first += 100) {
      const statements: Statement<ProductExists>[] = [];
      for (let i = first; i < Math.min(first + 100, input.skus); i++) {
        const request = {
          sku: asSku(skuName(i)),
          name: `Bench product ${i}`,
          priceCents: 100 + (i % 900),
          onHand: 1_000_000,
        };
        const plan = decideUpsert(null, request, asProductId(randomUUID()));
        if (!plan.ok || plan.value.kind !== 'create') throw new Error(`cannot stock ${i}`);
        const { productId, sku, name, priceCents, currency } = plan.value.product;
        catalogue.push({ productId, sku, name, priceCents, currency });
        statements.push(...upsertStatements(plan.value, context));
      }
      const written = await db.transaction((tx) => tx.commitWith(statements));
      if (!written.ok) throw new Error('a bench product exists already');
    }
    const payers = await Promise.all(
      Array.from({ length: input.users }, async (_, user) => {
        const userId = randomUUID();
        await db.execute(
          `insert into users (id, email, password_hash) values (?, ?, 'not-a-hash')`,
          [userId, `bench-${userId}@example.com`],
        );
        const cardNumber = cardNumberFor(user);
        const card = validateCard(
          { number: cardNumber, expMonth: 12, expYear: 2099, cvc: '123' },
          Date.now(),
        );
        if (!card.ok) throw new Error(`card ${cardNumber} is invalid`);
        return { userId, cardNumber, card: card.value, cardFingerprint: `fp_bench_${user}` };
      }),
    );
    return { catalogue, payers };
  } finally {
    await db.close();
  }
}
