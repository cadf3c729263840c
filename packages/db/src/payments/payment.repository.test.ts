import { randomUUID } from 'node:crypto';
import {
  asPaymentId,
  beginAttempt,
  DEFAULT_RETRY_POLICY,
  err,
  ok,
  settleAttempt,
  type GatewayOutcome,
  type Order,
  type UserId,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database.js';
import { classifyDbError } from '../db-errors.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  startTestPayment,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import type { StoredPayment } from './payment.mapper.js';
import { claimDuePayments } from './payment-lease.repository.js';
import {
  findPaymentByOrder,
  insertPaymentStatement,
  listAttempts,
  lockPaymentWithAttempts,
  readPaymentFacts,
  recordAttemptStatement,
  savePaymentStateStatement,
} from './payment.repository.js';

let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let database: Database;

beforeAll(async () => {
  db = await createMigratedTestDatabase();
  database = db.database;
  await insertTestProducts(database, [{ sku: 'FACTS-1', onHand: 1_000 }]);
});
afterAll(async () => {
  await db.dispose();
});

/** An order of the user's, placed `ageMs` ago, with its payment started then with `card`. */
async function orderWithPayment(
  userId: UserId,
  card: string,
  ageMs = 0,
): Promise<{ order: Order; payment: StoredPayment }> {
  const now = new Date(Date.now() - ageMs);
  const order = await placeTestOrder(database, userId, [{ sku: 'FACTS-1', quantity: 1 }], { now });
  const payment = await startTestPayment(database, order, {
    now,
    cardFingerprint: card,
    leaseOwner: 'driver-a',
  });
  return { order, payment };
}

async function paidOrder(userId: UserId, card: string, ageMs = 0): Promise<string> {
  return (await orderWithPayment(userId, card, ageMs)).order.id;
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

/** The payment as locked in a transaction of its own, with its attempts. */
async function lockedPayment(paymentId: string) {
  const locked = await database.transaction(async (tx) =>
    ok(await lockPaymentWithAttempts(tx, paymentId)),
  );
  if (!locked.ok) throw new Error('unreachable');
  return locked.value;
}

/** Core's settlement of the payment's next attempt with the gateway's `outcome`. */
function settle(payment: StoredPayment, attempts: readonly unknown[], outcome: GatewayOutcome) {
  const settled = settleAttempt({
    payment,
    attempts,
    outcome,
    latencyMs: 12,
    now: Date.now(),
    policy: DEFAULT_RETRY_POLICY,
    random: () => 0.5,
    lines: [],
  });
  if (!settled.ok) throw new Error(settled.error.code);
  return settled.value;
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
    const { order, payment } = await orderWithPayment(payer, 'fp_own');
    const now = Date.now();

    const facts = await readPaymentFacts(database, {
      orderId: order.id,
      userId: payer,
      cardFingerprint: 'fp_own',
      velocitySince: new Date(now - 60_000),
      velocityCap: 5,
      cardSince: new Date(now - 86_400_000),
      cardCap: 3,
    });

    expect(facts.existingPayment).toEqual({ id: payment.id, status: 'PROCESSING' });
    expect(facts.otherUsersOfCard).toBe(0);
    expect(facts.userCreatedAt).toBeGreaterThan(now - 600_000);
  });
});

describe('insertPaymentStatement', () => {
  it('stores the payment as core decided it, and reads it back the same', async () => {
    const { order, payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_round');
    expect(await findPaymentByOrder(database, order.id)).toEqual(payment);
    expect(await lockedPayment(payment.id)).toEqual({ payment, attempts: [] });
    expect(await lockedPayment(randomUUID())).toBeNull();
  });

  it('refuses a second payment for the order through the unique key, and writes nothing', async () => {
    const { order, payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_twice');
    const second: StoredPayment = { ...payment, id: asPaymentId(randomUUID()) };
    const error = await database
      .transaction((tx) => tx.commitWith([insertPaymentStatement(second)]))
      .catch((reason: unknown) => reason);
    expect(classifyDbError(error)).toEqual({
      kind: 'unique',
      constraint: 'payments_one_per_order',
    });
    expect(await findPaymentByOrder(database, order.id)).toEqual(payment);
  });
});

describe('recordAttemptStatement', () => {
  it('records an attempt only for the driver holding the lease, at the chain head it saw; anything else is refused as lease-lost and writes nothing', async () => {
    const { payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_cas');
    const settled = settle(payment, [], { outcome: 'APPROVED' });
    const after: StoredPayment = { ...settled.payment, leaseOwner: null, leaseUntil: null };
    const record = (leaseOwner: string, link = settled.attemptLink) =>
      database.transaction((tx) =>
        tx.commitWith([
          recordAttemptStatement({
            attempt: settled.attempt,
            link,
            payment: after,
            leaseOwner,
            at: new Date(),
          }),
        ]),
      );
    const before = await lockedPayment(payment.id);

    expect(await record('driver-b')).toEqual(err({ kind: 'lease-lost' }));
    const staleLink = { ...settled.attemptLink, prevHash: 'f'.repeat(64) };
    expect(await record('driver-a', staleLink)).toEqual(err({ kind: 'lease-lost' }));
    expect(await lockedPayment(payment.id)).toEqual(before);

    expect(await record('driver-a')).toEqual(ok(undefined));
    const recorded = await lockedPayment(payment.id);
    expect(recorded?.payment).toEqual(after);
    expect(recorded?.attempts).toEqual([
      { attempt: settled.attempt, prevHash: payment.chainHead, hash: settled.attemptLink.hash },
    ]);
    // Recorded and no longer PROCESSING: the same attempt cannot go in twice.
    expect(await record('driver-a')).toEqual(err({ kind: 'lease-lost' }));
    expect(await listAttempts(database, payment.id)).toHaveLength(1);
  });

  it('refuses a driver whose lease ran out and another driver claimed', async () => {
    // Started two minutes ago: its one-minute lease ran out a minute ago.
    const { payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_claimed', 120_000);
    expect(payment.leaseUntil).toBeLessThan(Date.now());
    const claimed = await claimDuePayments(database, {
      owner: 'driver-b',
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: 1_000,
    });
    expect(claimed).toContain(payment.id);

    const settled = settle(payment, [], { outcome: 'APPROVED' });
    const late = await database.transaction((tx) =>
      tx.commitWith([
        recordAttemptStatement({
          attempt: settled.attempt,
          link: settled.attemptLink,
          payment: settled.payment,
          leaseOwner: 'driver-a',
          at: new Date(),
        }),
      ]),
    );
    expect(late).toEqual(err({ kind: 'lease-lost' }));
    expect(await listAttempts(database, payment.id)).toEqual([]);
  });

  it('chains a retried payment’s attempts: RETRY with its time, PROCESSING again, then the next attempt', async () => {
    const { payment } = await orderWithPayment(await insertTestUser(db.orm), 'fp_retry');
    const at = new Date();
    const first = settle(payment, [], { outcome: 'ERROR', code: 'gateway_timeout' });
    expect(first.payment.status).toBe('RETRY');
    expect(
      await database.transaction((tx) =>
        tx.commitWith([
          recordAttemptStatement({
            attempt: first.attempt,
            link: first.attemptLink,
            payment: first.payment,
            leaseOwner: 'driver-a',
            at,
          }),
        ]),
      ),
    ).toEqual(ok(undefined));
    const waiting = await lockedPayment(payment.id);
    expect(waiting?.payment).toEqual(first.payment);
    expect(waiting?.payment.nextAttemptAt).toBeGreaterThan(first.attempt.at);

    // The next attempt starts: PROCESSING again, under the driver's lease.
    const begun = beginAttempt(waiting!.payment, waiting!.attempts);
    if (!begun.ok) throw new Error(begun.error.code);
    expect(begun.value.attemptNo).toBe(2);
    expect(
      await database.transaction((tx) =>
        tx.commitWith([savePaymentStateStatement(begun.value.payment, at)]),
      ),
    ).toEqual(ok(undefined));
    const processing = await lockedPayment(payment.id);
    expect(processing?.payment).toEqual(begun.value.payment);

    const second = settle(processing!.payment, processing!.attempts, { outcome: 'APPROVED' });
    expect(
      await database.transaction((tx) =>
        tx.commitWith([
          recordAttemptStatement({
            attempt: second.attempt,
            link: second.attemptLink,
            payment: second.payment,
            leaseOwner: 'driver-a',
            at,
          }),
        ]),
      ),
    ).toEqual(ok(undefined));
    const attempts = await listAttempts(database, payment.id);
    expect(attempts.map((a) => a.attempt)).toEqual([first.attempt, second.attempt]);
    expect(attempts[1]?.prevHash).toBe(attempts[0]?.hash);
    expect((await findPaymentByOrder(database, payment.orderId))?.status).toBe('SUCCESS');
  });
});
