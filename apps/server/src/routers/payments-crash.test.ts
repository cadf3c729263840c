import { TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import {
  createTestClient,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let survivor: TestServer;
let doomed: ServerProcess | undefined;
let admin: TestClient;

beforeAll(async () => {
  survivor = await startTestServer({}, { payments: { leaseMs: 1_000, workerPollMs: 100 } });
  admin = await logInAdmin(survivor.url);
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

describe('a server killed between attempts', () => {
  it('has its payment finished by another instance: nothing lost, nothing doubled', async () => {
    // Slow retries (1.5–3 s between attempts) and a short lease on the instance we kill.
    doomed = await startServerProcess(survivor.config.databaseUrl ?? '', {
      PAYMENT_RETRY_BASE_MS: '3000',
      PAYMENT_LEASE_MS: '1000',
      PAY_WAIT: '300',
    });
    const { client: buyer, token } = await signUpCustomer(survivor.url, 'crash@example.com');
    const order = await placeOrderFor(admin, buyer, { sku: 'CRASH-1', quantity: 2, onHand: 5 });

    const onDoomed = createTestClient(doomed.url, token);
    const early = await pay(onDoomed, order.id, TEST_CARDS.timeoutThenApproved);
    expect(early.status).toBe('RETRY');
    expect(early.attempts).toHaveLength(1);
    await doomed.kill();

    const final = await until(
      () => buyer.payments.get.query({ orderId: order.id }),
      (p) => p.status === 'SUCCESS' || p.status === 'FAILED_FINAL',
    );
    expect(final.status).toBe('SUCCESS');
    expect(final.attempts.map((a) => a.number)).toEqual([1, 2, 3]);
    expect(final.order.status).toBe('CONFIRMED');
    const ledger = await buyer.ledger.forOrder.query({ orderId: order.id });
    expect(ledger.entries.filter((e) => e.kind === 'CAPTURE')).toHaveLength(1);
    expect(await admin.products.get.query({ sku: 'CRASH-1' })).toMatchObject({
      onHand: 3,
      reserved: 0,
    });
    expect((await admin.ledger.verify.query()).problems).toEqual([]);
    await expectStockConsistent(survivor.services.db);
  }, 60_000);
});
