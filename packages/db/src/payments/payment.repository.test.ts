import { randomUUID } from 'node:crypto';
import {
  appendToPaymentChain,
  asOrderId,
  asPaymentId,
  attemptChainRecord,
  GENESIS_HASH,
  money,
  type UserId,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database.js';
import { insertTestProducts, insertTestUser, placeTestOrder } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { isAssertionFailure } from '../db-errors.js';
import type { StoredPayment } from './payment.mapper.js';
import {
  appendAttempt,
  insertPayment,
  listAttempts,
  readPaymentFacts,
} from './payment.repository.js';

let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let database: Database;

beforeAll(async () => {
  db = await createMigratedTestDatabase();
  database = db.database;
  await insertTestProducts(db.orm, [{ sku: 'FACTS-1', onHand: 1_000 }]);
});
afterAll(async () => {
  await db.dispose();
});

/** An order of the user's with a payment made with `card`, `ageMs` ago. */
async function paidOrder(userId: UserId, card: string, ageMs = 0): Promise<string> {
  return (await orderWithPayment(userId, card, ageMs)).orderId;
}

async function orderWithPayment(userId: UserId, card: string, ageMs = 0, inFlight = false) {
  const order = await placeTestOrder(db.orm, userId, [{ sku: 'FACTS-1', quantity: 1 }]);
  const payment: StoredPayment = {
    id: asPaymentId(randomUUID()),
    orderId: asOrderId(order.id),
    userId,
    status: inFlight ? 'PROCESSING' : 'SUCCESS',
    amount: money(100),
    failureCode: null,
    card: { brand: 'visa', last4: '4242' },
    fraud: { score: 0, verdict: 'ALLOW', signals: [] },
    nextAttemptAt: null,
    chainHead: GENESIS_HASH,
    createdAt: Date.now() - ageMs,
    cardFingerprint: card,
    gatewayToken: 'APPROVE',
    leaseOwner: inFlight ? 'driver-a' : null,
    leaseUntil: inFlight ? Date.now() + 60_000 : null,
  };
  await insertPayment(database, payment);
  return { orderId: order.id, payment };
}

function factsFor(userId: UserId, card: string, caps = { velocityCap: 100, cardCap: 100 }) {
  const now = Date.now();
  return readPaymentFacts(database, {
    orderId: randomUUID(),
    userId,
    cardFingerprint: card,
    velocitySince: new Date(now - 60_000),
    cardSince: new Date(now - 86_400_000),
    ...caps,
  });
}

describe('readPaymentFacts', () => {
  it('counts the user’s payments in the window and the card’s other users, not the payer', async () => {
    const payer = await insertTestUser(db.orm);
    const others = [await insertTestUser(db.orm), await insertTestUser(db.orm)];
    for (let i = 0; i < 3; i++) await paidOrder(payer, 'fp_shared');
    await paidOrder(payer, 'fp_shared', 120_000); // outside the velocity window
    for (const other of others) await paidOrder(other, 'fp_shared');
    await paidOrder(others[0] ?? payer, 'fp_shared'); // the same other user twice
    await paidOrder(others[1] ?? payer, 'fp_shared', 2 * 86_400_000); // outside the card window

    const facts = await factsFor(payer, 'fp_shared');

    expect(facts.paymentsByUser).toBe(3);
    expect(facts.otherUsersOfCard).toBe(2);
    expect(facts.existingPayment).toBeNull();
  });

  it('stops counting at the caps, which is all the fraud rules ask', async () => {
    const payer = await insertTestUser(db.orm);
    for (let i = 0; i < 6; i++) await paidOrder(payer, 'fp_busy');
    for (let i = 0; i < 4; i++) await paidOrder(await insertTestUser(db.orm), 'fp_busy');

    const facts = await factsFor(payer, 'fp_busy', { velocityCap: 5, cardCap: 3 });

    expect(facts.paymentsByUser).toBe(5);
    expect(facts.otherUsersOfCard).toBe(3);
  });

  it('finds the order’s existing payment and the payer’s sign-up time', async () => {
    const payer = await insertTestUser(db.orm);
    const orderId = await paidOrder(payer, 'fp_own');
    const now = Date.now();

    const facts = await readPaymentFacts(database, {
      orderId,
      userId: payer,
      cardFingerprint: 'fp_own',
      velocitySince: new Date(now - 60_000),
      velocityCap: 5,
      cardSince: new Date(now - 86_400_000),
      cardCap: 3,
    });

    expect(facts.existingPayment).toMatchObject({ status: 'SUCCESS' });
    expect(facts.otherUsersOfCard).toBe(0);
    expect(facts.userCreatedAt).toBeGreaterThan(now - 600_000);
  });
});

describe('appendAttempt', () => {
  it('records an attempt only for the driver holding the lease, at the chain head it saw', async () => {
    const { payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_cas', 0, true);
    const attempt = {
      number: 1,
      outcome: 'APPROVED' as const,
      code: null,
      at: Date.now(),
      latencyMs: 0,
      gatewayRef: 'ref',
    };
    const chained = appendToPaymentChain(payment, attemptChainRecord(payment.id, attempt));
    const after: StoredPayment = { ...chained.payment, status: 'SUCCESS', leaseOwner: null };
    const append = (leaseOwner: string, link = chained.link) =>
      appendAttempt(database, { attempt, link, payment: after, leaseOwner, at: new Date() });

    await expect(append('driver-b')).rejects.toSatisfy(isAssertionFailure);
    const staleLink = { ...chained.link, prevHash: 'f'.repeat(64) };
    await expect(append('driver-a', staleLink)).rejects.toSatisfy(isAssertionFailure);
    expect(await listAttempts(database, payment.id)).toEqual([]);

    await append('driver-a');
    expect((await listAttempts(database, payment.id)).map((a) => a.attempt.number)).toEqual([1]);
    // Recorded and no longer PROCESSING: the same attempt cannot go in twice.
    await expect(append('driver-a')).rejects.toSatisfy(isAssertionFailure);
  });
});
