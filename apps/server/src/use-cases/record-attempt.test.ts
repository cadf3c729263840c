import { asSku, createRetryPolicy, DEFAULT_FRAUD_CONFIG, TEST_CARDS } from '@orders/core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDomainMetrics } from '../metrics/domain-metrics.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import { callGateway } from '../payments/gateway.js';
import { createUseCaseEnv, type UseCaseEnv } from '../testing/use-case-env.js';
import { createPayment } from './create-payment.js';
import { placeOrderForUser } from './place-order.js';
import { recordAttempt } from './record-attempt.js';
import { startAttempt, type StartedAttempt } from './start-attempt.js';

// The engine's two steps, called directly on a real database.
let env: UseCaseEnv;
let userId: string;
const settings: PaymentSettings = {
  retryPolicy: createRetryPolicy({ baseMs: 60_000, capMs: 60_000 }),
  fraud: DEFAULT_FRAUD_CONFIG,
  noise: { rate: 0, seed: 0 },
  payWaitMs: 1_000,
  leaseMs: 5_000,
  workerPollMs: 1_000,
};
const metrics = createDomainMetrics(new Registry());
const steps = (owner: string) => ({
  db: env.db,
  now: () => new Date(),
  owner,
  leaseMs: settings.leaseMs,
  policy: settings.retryPolicy,
  random: () => 1,
  metrics,
});
beforeAll(async () => {
  env = await createUseCaseEnv();
  userId = await env.customer();
  await env.stock('RA-1', 20);
});
afterAll(async () => {
  await env.dispose();
});

/** A new order paid with `cardNumber`, its first attempt started and leased to `owner`. */
async function started(cardNumber: string, owner = 'engine-a'): Promise<StartedAttempt> {
  const placed = await placeOrderForUser(
    { db: env.db, now: new Date(), orderTtlMs: 60_000, catalogue: null, metrics },
    { userId, items: [{ sku: asSku('RA-1'), quantity: 2 }] },
  );
  if (!placed.ok) throw new Error(placed.error.code);
  const created = await createPayment(
    { db: env.db, settings, now: () => new Date(), metrics },
    {
      paymentId: crypto.randomUUID(),
      userId,
      orderId: placed.value.id,
      cardNumber,
      card: { brand: 'visa', last4: cardNumber.slice(-4) },
      cardFingerprint: `fp_${crypto.randomUUID()}`,
      gatewayToken: cardNumber === TEST_CARDS.timeoutThenApproved ? 'TIMEOUT_TWICE' : 'APPROVE',
      idempotency: { key: crypto.randomUUID(), requestHash: 'h' },
      leaseOwner: owner,
    },
  );
  if (!created.ok || created.value.kind !== 'attempt') throw new Error('payment not started');
  return created.value;
}
const record = (attempt: StartedAttempt, owner = 'engine-a') =>
  recordAttempt(
    steps(owner),
    attempt,
    callGateway(attempt.payment, attempt.attemptNo, settings.noise),
  );

describe('recordAttempt', () => {
  it('settles an approval in one transaction: SUCCESS, the order CONFIRMED, the capture posted', async () => {
    const attempt = await started(TEST_CARDS.visaApproved);
    const recorded = await record(attempt);
    expect(recorded).toMatchObject({
      kind: 'final',
      final: { payment: { status: 'SUCCESS', leaseOwner: null }, orderStatus: 'CONFIRMED' },
    });
    expect(await env.stockOf('RA-1')).toMatchObject({ reserved: 0, onHand: 18 });
  });

  it('reports a payment another driver holds as lost, and writes nothing', async () => {
    const attempt = await started(TEST_CARDS.visaApproved);
    const attempts = await env.count('payment_attempts');
    expect(await record(attempt, 'engine-b')).toEqual({ kind: 'lost' });
    expect(await env.count('payment_attempts')).toBe(attempts);
    // The rightful driver still records it.
    expect(await record(attempt)).toMatchObject({ kind: 'final' });
  });

  it('schedules a retry after a transient error, keeping the lease past its time', async () => {
    const attempt = await started(TEST_CARDS.timeoutThenApproved);
    const recorded = await record(attempt);
    expect(recorded).toMatchObject({ kind: 'retry' });
    // Not yet due: the next start waits instead of calling the gateway early.
    expect(await startAttempt(steps('engine-a'), attempt.payment.id)).toMatchObject({
      kind: 'wait',
    });
    // Another driver's start stops: the lease is not its.
    expect(await startAttempt(steps('engine-b'), attempt.payment.id)).toEqual({ kind: 'stop' });
  });
});
