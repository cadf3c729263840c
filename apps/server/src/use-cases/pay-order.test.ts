import { createRetryPolicy, TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card, uniqueCardNumber } from '../testing/payment-fixtures.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { callerFor } from '../testing/use-case-env.js';

// `payments.pay` called in-process through the router (`createCaller`): the procedure, the use
// case, the engine and the database, without HTTP.
let server: TestServer;
let admin: ReturnType<typeof callerFor>;
let customer: ReturnType<typeof callerFor>;
beforeAll(async () => {
  server = await startTestServer(
    {},
    { payments: { retryPolicy: createRetryPolicy({ baseMs: 5 }), workerPollMs: 50 } },
  );
  const anonymous = callerFor(server.services);
  const signedUp = await anonymous.auth.signup({
    email: 'caller@example.com',
    password: 'password-1',
  });
  customer = callerFor(server.services, { userId: signedUp.id, role: 'CUSTOMER' });
  const adminSession = await anonymous.auth.login({
    email: 'admin@test.local',
    password: 'admin-password-1',
  });
  admin = callerFor(server.services, { userId: adminSession.user.id, role: 'ADMIN' });
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

let skuSerial = 0;
async function order(quantity = 2) {
  const sku = `CALLER-${++skuSerial}`;
  await admin.inventory.upsert({ sku, name: `Product ${sku}`, priceCents: 1500, onHand: 10 });
  const placed = await customer.orders.create({ items: [{ sku, quantity }] });
  return { ...placed, sku };
}
const payWith = (orderId: string, number: string, idempotencyKey: string = crypto.randomUUID()) =>
  customer.payments.pay({ orderId, paymentMethod: card(number), idempotencyKey });
const stockOf = (sku: string) => callerFor(server.services).products.get({ sku });

describe('payments.pay through the router, in-process', () => {
  it('captures an approved payment: order CONFIRMED, stock shipped, one balanced capture', async () => {
    const placed = await order(2);
    const paid = await payWith(placed.id, uniqueCardNumber());
    expect(paid).toMatchObject({
      status: 'SUCCESS',
      amountCents: 3000,
      attempts: [{ number: 1, outcome: 'APPROVED' }],
      order: { id: placed.id, status: 'CONFIRMED' },
    });
    expect(await stockOf(placed.sku)).toMatchObject({ onHand: 8, reserved: 0 });
    const ledger = await customer.ledger.forOrder({ orderId: placed.id });
    expect(ledger.entries).toMatchObject([
      { kind: 'CAPTURE', postings: [{ amountCents: 3000 }, { amountCents: -3000 }] },
    ]);
  });

  it('retries transient errors with backoff and succeeds on the third attempt', async () => {
    const placed = await order(1);
    const paid = await payWith(placed.id, TEST_CARDS.timeoutThenApproved);
    expect(paid.attempts.map((a) => a.outcome)).toEqual(['ERROR', 'ERROR', 'APPROVED']);
    expect(paid.order.status).toBe('CONFIRMED');
  });

  it('fails the order and releases its stock on a decline, capturing nothing', async () => {
    const placed = await order(3);
    expect(await payWith(placed.id, TEST_CARDS.declined)).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'CARD_DECLINED',
      order: { status: 'FAILED' },
    });
    expect(await stockOf(placed.sku)).toMatchObject({ onHand: 10, reserved: 0 });
    expect((await customer.ledger.forOrder({ orderId: placed.id })).entries).toEqual([]);
  });

  it('rejects a blocklisted card by fraud rules, with no gateway attempt', async () => {
    const placed = await order(1);
    expect(await payWith(placed.id, TEST_CARDS.blocklisted)).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'FRAUD_REJECTED',
      attempts: [],
      fraud: { verdict: 'REJECT' },
      order: { status: 'FAILED' },
    });
  });

  it('replays a request under its key, and refuses the key for another order', async () => {
    const placed = await order(1);
    const number = uniqueCardNumber();
    const first = await payWith(placed.id, number, 'pay-key-1');
    const again = await payWith(placed.id, number, 'pay-key-1');
    expect(again.id).toBe(first.id);
    const other = await order(1);
    await expect(payWith(other.id, number, 'pay-key-1')).rejects.toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
    });
    await expect(payWith(placed.id, uniqueCardNumber())).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('creates nothing for an invalid card', async () => {
    const placed = await order(1);
    await expect(payWith(placed.id, '4242424242424241')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(customer.payments.get({ orderId: placed.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
