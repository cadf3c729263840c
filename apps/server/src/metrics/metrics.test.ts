import { asOrderId, asPaymentId, asUserId, GENESIS_HASH, money, TEST_CARDS } from '@orders/core';
import { insertPaymentStatement } from '@orders/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { restCall } from '../testing/rest-client.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const ORDER_TTL_MS = 3_000;

let server: TestServer;
let admin: TestClient;
let skuCount = 0;
let userCount = 0;
const nextSku = () => `MET-${++skuCount}`;
const newCustomer = () => signUpCustomer(server.url, `metrics${++userCount}@example.com`);

beforeAll(async () => {
  // Short order TTL and a worker driven by hand (`tick`), fast retries.
  server = await startTestServer(
    { orderTtlMs: ORDER_TTL_MS },
    {
      payments: {
        workerPollMs: 60_000,
        retryPolicy: { maxAttempts: 3, baseMs: 20, factor: 2, capMs: 200 },
      },
    },
  );
  admin = await logInAdmin(server.url);
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

/** Runs `act` and returns how much each series moved. */
async function deltas(
  series: readonly (readonly [string, Record<string, string>?])[],
  act: () => Promise<unknown>,
): Promise<number[]> {
  const before = await scrapeMetrics(server.url);
  await act();
  const after = await scrapeMetrics(server.url);
  return series.map(
    ([name, labels]) => metricValue(after, name, labels) - metricValue(before, name, labels),
  );
}

describe('GET /metrics', () => {
  it('serves Prometheus text with process, database pool and request metrics', async () => {
    await failure(createTestClient(server.url).auth.me.query());
    await restCall(server.url, 'GET', '/api/products');
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^db_pool_connections\{state="used"\} \d/m);
    expect(metricValue(text, 'db_pool_connections', { state: 'free' })).toBeGreaterThan(0);
    const me = { transport: 'trpc', procedure: 'auth.me', code: 'UNAUTHORIZED', status: '401' };
    expect(metricValue(text, 'http_requests_total', me)).toBe(1);
    const list = { transport: 'rest', procedure: 'products.list', code: 'OK', status: '200' };
    expect(metricValue(text, 'http_requests_total', list)).toBe(1);
    const { status: _, ...latencyLabels } = list;
    expect(metricValue(text, 'http_request_duration_seconds_count', latencyLabels)).toBe(1);
  });

  it('labels a procedure nobody has as "unknown": a client cannot mint new series', async () => {
    await fetch(`${server.url}/trpc/made.up.path${Math.random()}`);
    const text = await scrapeMetrics(server.url);
    const labels = { transport: 'trpc', procedure: 'unknown', code: 'NOT_FOUND', status: '404' };
    expect(metricValue(text, 'http_requests_total', labels)).toBe(1);
    expect(text).not.toContain('made.up.path');
  });

  it('counts payments by final state and failure code, attempts, retries and fraud rejections', async () => {
    const { client } = await newCustomer();
    const orders = await Promise.all(
      [1, 2, 3, 4].map(() => placeOrderFor(admin, client, { sku: nextSku(), quantity: 1 })),
    );
    const moved = await deltas(
      [
        ['payments_final_total', { status: 'SUCCESS', failure_code: 'none' }],
        ['payments_final_total', { status: 'FAILED_FINAL', failure_code: 'CARD_DECLINED' }],
        ['payments_final_total', { status: 'FAILED_FINAL', failure_code: 'FRAUD_REJECTED' }],
        ['orders_final_total', { status: 'CONFIRMED' }],
        ['orders_final_total', { status: 'FAILED' }],
        ['payment_attempts_total', { outcome: 'APPROVED' }],
        ['payment_attempts_total', { outcome: 'DECLINED' }],
        ['payment_attempts_total', { outcome: 'ERROR' }],
        ['payment_retries_total'],
        ['fraud_rejections_total'],
      ],
      async () => {
        const cards = [
          TEST_CARDS.visaApproved,
          TEST_CARDS.declined,
          TEST_CARDS.blocklisted,
          TEST_CARDS.timeoutThenApproved,
        ];
        const results = await Promise.all(orders.map((o, i) => pay(client, o.id, cards[i])));
        expect(results.map((p) => p.status)).toEqual([
          'SUCCESS',
          'FAILED_FINAL',
          'FAILED_FINAL',
          'SUCCESS',
        ]);
      },
    );
    expect(moved).toEqual([2, 1, 1, 2, 2, 2, 1, 2, 2, 1]);
  });

  it('counts the events a checkout writes in events_written_total, each by its type', async () => {
    const { client } = await newCustomer();
    const sku = nextSku();
    await admin.inventory.upsert.mutate({ sku, name: sku, priceCents: 1250, onHand: 5 });
    const types = [
      'order.created',
      'payment.created',
      'payment.succeeded',
      'order.confirmed',
      'payment.attempt_failed',
      'product.updated',
    ];
    const moved = await deltas(
      types.map((type) => ['events_written_total', { type }] as const),
      async () => {
        const order = await client.orders.create.mutate({ items: [{ sku, quantity: 1 }] });
        expect((await pay(client, order.id, TEST_CARDS.visaApproved)).status).toBe('SUCCESS');
      },
    );
    // One of each of the checkout's four; a reservation is no product.updated.
    expect(moved).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('counts orders cancelled by their owner and expired by the worker', async () => {
    const { client } = await newCustomer();
    const cancelled = await placeOrderFor(admin, client, { sku: nextSku(), quantity: 1 });
    const expiring = await placeOrderFor(admin, client, { sku: nextSku(), quantity: 1 });
    const moved = await deltas(
      [['orders_final_total', { status: 'CANCELLED' }], ['orders_expired_total']],
      async () => {
        await client.orders.cancel.mutate({ id: cancelled.id });
        await new Promise((resolve) => setTimeout(resolve, ORDER_TTL_MS + 100));
        await server.worker.tick();
      },
    );
    expect(moved).toEqual([2, 1]);
    expect((await client.orders.get.query({ id: expiring.id })).status).toBe('CANCELLED');
  });

  it('counts the payments the worker claims after their driver went away', async () => {
    const { client, userId } = await newCustomer();
    const order = await placeOrderFor(admin, client, { sku: nextSku(), quantity: 1 });
    const paymentId = crypto.randomUUID();
    // A payment whose driver died: its lease ran out a second ago.
    const payment = insertPaymentStatement({
      id: asPaymentId(paymentId),
      orderId: asOrderId(order.id),
      userId: asUserId(userId),
      status: 'INITIATED',
      amount: money(order.totalCents),
      failureCode: null,
      card: { brand: 'visa', last4: '4242' },
      fraud: { score: 0, verdict: 'ALLOW', signals: [] },
      nextAttemptAt: null,
      chainHead: GENESIS_HASH,
      createdAt: Date.now(),
      cardFingerprint: 'fp_metrics',
      gatewayToken: 'APPROVE',
      leaseOwner: 'engine-gone',
      leaseUntil: Date.now() - 1_000,
    });
    await server.services.db.execute(payment.sql, payment.params);
    const moved = await deltas([['worker_claimed_payments_total']], async () => {
      await server.worker.tick();
      await server.services.payments.engine.awaitOutcome(paymentId, 10_000);
    });
    expect(moved).toEqual([1]);
    expect((await client.payments.get.query({ orderId: order.id })).status).toBe('SUCCESS');
  });
});
