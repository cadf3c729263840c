import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card, placeOrderFor } from '../testing/payment-fixtures.js';
import {
  createTestClient,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let first: TestServer;
let second: TestServer;
let admin: TestClient;

beforeAll(async () => {
  first = await startTestServer();
  // A second instance on the same database: the invariants must hold across processes.
  second = await startTestServer({ databaseUrl: first.config.databaseUrl });
  admin = await logInAdmin(first.url);
});
afterAll(async () => {
  const report = await admin.ledger.verify.query();
  expect(report.problems).toEqual([]);
  await expectStockConsistent(first.services.db);
  await second.close();
  await first.close();
});

/** What a concurrent call ended with: the payment id, or the error's domain code. */
async function outcome(call: Promise<{ id: string }>): Promise<string> {
  try {
    return `paid:${(await call).id}`;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { domainCode?: string } | undefined;
      return data?.domainCode ?? error.message;
    }
    throw error;
  }
}

describe('paying one order many times at once', () => {
  it('charges once when 50 requests share one idempotency key across two instances', async () => {
    const { client: buyer, token } = await signUpCustomer(first.url, 'racer@example.com');
    const order = await placeOrderFor(admin, buyer, { sku: 'RACE-1', quantity: 1 });
    const key = randomUUID();
    const clients = [buyer, createTestClient(second.url, token)];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        outcome(
          (clients[i % 2] ?? buyer).payments.pay.mutate({
            orderId: order.id,
            paymentMethod: card(TEST_CARDS.visaApproved),
            idempotencyKey: key,
          }),
        ),
      ),
    );
    const paymentIds = new Set(results.filter((r) => r.startsWith('paid:')));
    expect(paymentIds.size).toBe(1);
    expect(results.every((r) => r.startsWith('paid:') || r === 'IDEMPOTENCY.IN_PROGRESS')).toBe(
      true,
    );
    const ledger = await buyer.ledger.forOrder.query({ orderId: order.id });
    expect(ledger.entries.filter((e) => e.kind === 'CAPTURE')).toHaveLength(1);
    expect(ledger.payment?.attempts).toHaveLength(1);
  });

  it('charges once when 20 requests use 20 different keys: the rest are ALREADY_PAID', async () => {
    const { client: buyer } = await signUpCustomer(first.url, 'racer2@example.com');
    const order = await placeOrderFor(admin, buyer, { sku: 'RACE-2', quantity: 1 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(
          buyer.payments.pay.mutate({
            orderId: order.id,
            paymentMethod: card(TEST_CARDS.visaApproved),
            idempotencyKey: randomUUID(),
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.startsWith('paid:'))).toHaveLength(1);
    expect(results.filter((r) => r === 'PAYMENT.ALREADY_PAID')).toHaveLength(19);
    const ledger = await buyer.ledger.forOrder.query({ orderId: order.id });
    expect(ledger.entries).toHaveLength(1);
  });
});
