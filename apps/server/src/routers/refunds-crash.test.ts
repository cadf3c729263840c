import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { pay, placeOrderFor, uniqueCardNumber } from '../testing/payment-fixtures.js';
import { restCall, type RestOutputs } from '../testing/rest-client.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { createTestClient, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

let survivor: TestServer;
let doomed: ServerProcess | undefined;
let adminToken: string;
let admin: TestClient;

beforeAll(async () => {
  survivor = await startTestServer({}, { payments: { leaseMs: 1_000, workerPollMs: 100 } });
  const login = await restCall<RestOutputs['auth']['login']>(survivor.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  admin = createTestClient(survivor.url, adminToken);
}, 120_000);
afterAll(async () => {
  await doomed?.kill();
  await survivor.close();
});

async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a server killed between the attempts of a refund', () => {
  it('has the refund finished by another instance: one entry, one restock', async () => {
    // The instance we kill: its gateway fails every call (so the first attempt ends in RETRY),
    // retries are slow (1.5–3 s away) and its lease short. The survivor's gateway has no noise.
    doomed = await startServerProcess(survivor.config.databaseUrl ?? '', {
      PAYMENT_SIM_FAILURE_RATE: '1',
      PAYMENT_RETRY_BASE_MS: '3000',
      PAYMENT_LEASE_MS: '1000',
      PAY_WAIT: '300',
    });
    const { client: buyer } = await signUpCustomer(survivor.url, 'refund-crash@example.com');
    const order = await placeOrderFor(admin, buyer, {
      sku: 'REFUND-CRASH-1',
      quantity: 2,
      onHand: 5,
      priceCents: 2_000,
    });
    expect((await pay(buyer, order.id, uniqueCardNumber())).status).toBe('SUCCESS');

    const onDoomed = createTestClient(doomed.url, adminToken);
    const early = await onDoomed.refunds.create.mutate({
      orderId: order.id,
      amountCents: 1_500,
      reason: 'requested_by_customer',
      restock: [{ sku: 'REFUND-CRASH-1', quantity: 1 }],
      idempotencyKey: randomUUID(),
    });
    expect(early.status).toBe('RETRY');
    expect(early.attempts).toMatchObject([
      { number: 1, outcome: 'ERROR', code: 'processing_error' },
    ]);
    await doomed.kill();

    const refunds = await until(
      () => admin.refunds.list.query({ orderId: order.id }),
      (list) => list.every((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED'),
    );
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ id: early.id, status: 'SUCCEEDED', amountCents: 1_500 });
    expect(refunds[0]?.attempts.map((a) => [a.number, a.outcome])).toEqual([
      [1, 'ERROR'],
      [2, 'APPROVED'],
    ]);
    expect(metricValue(await scrapeMetrics(survivor.url), 'worker_claimed_refunds_total')).toBe(1);

    const payment = await buyer.payments.get.query({ orderId: order.id });
    expect(payment).toMatchObject({
      refundedCents: 1_500,
      order: { status: 'PARTIALLY_REFUNDED' },
    });
    const ledger = await buyer.ledger.forOrder.query({ orderId: order.id });
    expect(ledger.entries.filter((e) => e.kind === 'REFUND').map((e) => e.reference)).toEqual([
      `refund:${early.id}`,
    ]);
    // 5 stocked, 2 sold, 1 back on the shelf — once.
    expect(await admin.products.get.query({ sku: 'REFUND-CRASH-1' })).toMatchObject({
      onHand: 4,
      reserved: 0,
    });
    expect((await admin.ledger.verify.query()).problems).toEqual([]);
    await expectStockConsistent(survivor.services.db);
  }, 60_000);
});
