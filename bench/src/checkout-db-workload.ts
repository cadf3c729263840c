import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asPaymentId,
  asUserId,
  assessFraud,
  decideIdempotency,
  decidePayment,
  ok,
  DEFAULT_FRAUD_CONFIG,
  DEFAULT_RETRY_POLICY,
  placeOrder,
  requestFingerprint,
  settleAttempt,
  type CatalogueItem,
  type FraudConfig,
  type StockLine,
} from '@orders/core';
import {
  claimIdempotencyKey,
  conclusionStatements,
  insertOrderStatement,
  insertPaymentStatement,
  lockOrderForPayment,
  reservationsAsPricedStatements,
  readPaymentFacts,
  recordAttemptStatement,
  retryTransient,
  type LeaseLost,
  type Repriced,
  type StockShortage,
  type Statement,
  type StoredPayment,
} from '@orders/db';
import type { CheckoutFixture, Payer } from './checkout-db-seed.js';
import type { CheckoutDatabase } from './postgres-js-database.js';

/** The server's defaults (ORDER_TTL, PAYMENT_LEASE_MS) and `payments.pay`'s idempotency scope. */
const ORDER_TTL_MS = 900_000;
const LEASE_MS = 5_000;
const PAY_SCOPE = 'payments.pay';
/** As `pnpm bench` runs the server (FRAUD_USER_VELOCITY_MAX): every user pays constantly. */
const FRAUD: FraudConfig = {
  ...DEFAULT_FRAUD_CONFIG,
  userVelocity: { ...DEFAULT_FRAUD_CONFIG.userVelocity, maxPayments: 1_000_000 },
};

/**
 * One checkout's database work, as the use cases do it (place-order's memory path,
 * create-payment, record-attempt) with the gateway approving: 4 round trips.
 */
export async function checkout(
  db: CheckoutDatabase,
  fixture: CheckoutFixture,
  user: number,
): Promise<void> {
  const payer = fixture.payers[user];
  const item = fixture.catalogue[Math.floor(Math.random() * fixture.catalogue.length)];
  if (payer === undefined || item === undefined) throw new Error(`no payer ${user} or no products`);
  const orderId = await placeFromMemory(db, payer, item);
  const started = await createPayment(db, payer, orderId);
  await recordApproved(db, started);
}

/** `placeFromMemory`: [BEGIN, prices as remembered, order, reservation, COMMIT]. */
async function placeFromMemory(
  db: CheckoutDatabase,
  payer: Payer,
  item: CatalogueItem,
): Promise<string> {
  const now = new Date();
  const decided = placeOrder({
    id: asOrderId(randomUUID()),
    userId: asUserId(payer.userId),
    lines: [{ sku: item.sku, quantity: 1 }],
    catalogue: [item],
    now: now.getTime(),
    ttlMs: ORDER_TTL_MS,
  });
  if (!decided.ok) throw new Error(`order not placed: ${decided.error.code}`);
  const { order, reservations } = decided.value;
  const context = { orderId: order.id, actor: `user:${payer.userId}`, at: now };
  const written = await retryTransient(() =>
    db.transaction((tx) =>
      tx.commitWith<Repriced | StockShortage>([
        insertOrderStatement(order),
        ...reservationsAsPricedStatements(reservations, [item], context),
      ]),
    ),
  );
  if (!written.ok) throw new Error(`order refused: ${written.error.kind}`);
  return order.id;
}

interface Started {
  readonly payment: StoredPayment;
  readonly lines: readonly StockLine[];
}

/** `createPayment`: [BEGIN, the key's claim, the order's lock, the fraud facts], [payment, COMMIT]. */
function createPayment(db: CheckoutDatabase, payer: Payer, orderId: string): Promise<Started> {
  const paymentId = randomUUID();
  const key = randomUUID();
  const requestHash = requestFingerprint(PAY_SCOPE, {
    orderId,
    card: payer.cardFingerprint,
    expMonth: 12,
    expYear: 2099,
  });
  return retryTransient(async () => {
    const created = await db.transaction(async (tx) => {
      const now = new Date();
      const [claim, locked, facts] = await Promise.all([
        claimIdempotencyKey(tx, {
          userId: payer.userId,
          scope: PAY_SCOPE,
          key,
          requestHash,
          resourceId: paymentId,
          at: now,
        }),
        lockOrderForPayment(tx, orderId),
        readPaymentFacts(tx, {
          orderId,
          userId: payer.userId,
          cardFingerprint: payer.cardFingerprint,
          velocitySince: new Date(now.getTime() - FRAUD.userVelocity.windowMs),
          velocityCap: FRAUD.userVelocity.maxPayments,
          cardSince: new Date(now.getTime() - FRAUD.cardShared.windowMs),
          cardCap: FRAUD.cardShared.maxUsers,
        }),
      ]);
      if (!claim.claimed) {
        const replay = decideIdempotency({ key, ...claim.record }, requestHash);
        throw new Error(`a fresh key was replayed (${replay.ok ? 'replay' : replay.error.code})`);
      }
      if (!locked || locked.order.userId !== payer.userId) throw new Error('order not found');
      const fraud = assessFraud(
        {
          amountCents: locked.order.total.amountCents,
          cardNumber: payer.cardNumber,
          recentPaymentsByUser: facts.paymentsByUser + 1,
          distinctUsersForCard: facts.otherUsersOfCard + 1,
          accountAgeMs: facts.userCreatedAt === null ? 0 : now.getTime() - facts.userCreatedAt,
        },
        FRAUD,
      );
      const decided = decidePayment({
        id: asPaymentId(paymentId),
        order: locked.order,
        existingPayment: facts.existingPayment,
        card: payer.card,
        fraud,
        now: now.getTime(),
        lines: locked.lines,
      });
      if (!decided.ok) return decided;
      // The bench's payers are never rejected: a rejection is a fault of the bench.
      if (decided.value.kind === 'rejected') throw new Error('the payment was rejected for fraud');
      const payment: StoredPayment = {
        ...decided.value.payment,
        cardFingerprint: payer.cardFingerprint,
        gatewayToken: 'APPROVE',
        leaseOwner: LEASE_OWNER,
        leaseUntil: now.getTime() + LEASE_MS,
      };
      const written = await tx.commitWith([insertPaymentStatement(payment)]);
      if (!written.ok) throw new Error('inserting a payment has no refusals');
      return ok({ payment, lines: locked.lines });
    });
    if (!created.ok) throw new Error(`payment not created: ${created.error.code}`);
    return created.value;
  });
}

const LEASE_OWNER = `bench-${randomUUID()}`;

/** `recordAttempt` of an APPROVED answer: [BEGIN, attempt + payment, conclusion, COMMIT]. */
async function recordApproved(db: CheckoutDatabase, started: Started): Promise<void> {
  const now = new Date();
  const decided = settleAttempt({
    payment: started.payment,
    attempts: [],
    outcome: { outcome: 'APPROVED' },
    latencyMs: 0,
    now: now.getTime(),
    policy: DEFAULT_RETRY_POLICY,
    random: Math.random,
    lines: started.lines,
  });
  if (!decided.ok) throw new Error(`cannot record the attempt: ${decided.error.code}`);
  const { attempt, attemptLink, conclusion } = decided.value;
  if (conclusion === null) throw new Error('an approved attempt concludes the payment');
  const after: StoredPayment = { ...decided.value.payment, leaseOwner: null, leaseUntil: null };
  const statements: Statement<LeaseLost | StockShortage>[] = [
    recordAttemptStatement({
      attempt,
      link: attemptLink,
      payment: after,
      leaseOwner: LEASE_OWNER,
      at: now,
    }),
    ...conclusionStatements(conclusion, now),
  ];
  const written = await retryTransient(() => db.transaction((tx) => tx.commitWith(statements)));
  if (!written.ok) throw new Error(`attempt refused: ${written.error.kind}`);
}
