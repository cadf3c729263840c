import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card, pay, placeOrderFor, uniqueCardNumber } from '../testing/payment-fixtures.js';
import { failure, logInAdmin, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let admin: TestClient;
let skuCount = 0;
let userCount = 0;
const nextSku = () => `PAY-${++skuCount}`;
// A fresh customer per test: the USER_VELOCITY fraud rule (more than 5 payments a minute)
// would otherwise reject a busy test user — as it should.
const newCustomer = async () =>
  (await signUpCustomer(server.url, `buyer${++userCount}@example.com`)).client;

beforeAll(async () => {
  server = await startTestServer(
    {},
    { payments: { retryPolicy: { maxAttempts: 3, baseMs: 20, factor: 2, capMs: 200 } } },
  );
  admin = await logInAdmin(server.url);
});
afterAll(async () => {
  const report = await admin.ledger.verify.query();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  await expectStockConsistent(server.services.db);
  await server.close();
});

describe('payments.pay, card by card (DESIGN §2 table)', () => {
  it('captures 4242… on the first attempt, confirms the order and commits its stock', async () => {
    const alice = await newCustomer();
    const sku = nextSku();
    const order = await placeOrderFor(admin, alice, {
      sku,
      quantity: 3,
      onHand: 10,
      priceCents: 500,
    });
    const payment = await pay(alice, order.id, TEST_CARDS.visaApproved);
    expect(payment).toMatchObject({
      status: 'SUCCESS',
      amountCents: 1500,
      failureCode: null,
      card: { brand: 'visa', last4: '4242' },
      fraud: { verdict: 'ALLOW', score: 0, signals: [] },
      order: { id: order.id, status: 'CONFIRMED' },
      nextAttemptAt: null,
    });
    expect(payment.attempts).toMatchObject([{ number: 1, outcome: 'APPROVED', code: null }]);
    expect(await admin.products.get.query({ sku })).toMatchObject({
      onHand: 7,
      reserved: 0,
      available: 7,
    });

    const ledger = await alice.ledger.forOrder.query({ orderId: order.id });
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.entries[0]).toMatchObject({
      kind: 'CAPTURE',
      reference: `capture:${payment.id}`,
      postings: [
        { account: 'assets:gateway_clearing', amountCents: 1500 },
        { account: 'revenue:sales', amountCents: -1500 },
      ],
    });
  });

  it('retries 4000…0341 through two gateway timeouts and succeeds on the third attempt', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const payment = await pay(alice, order.id, TEST_CARDS.timeoutThenApproved);
    expect(payment.status).toBe('SUCCESS');
    expect(payment.attempts.map((a) => [a.outcome, a.code])).toEqual([
      ['ERROR', 'gateway_timeout'],
      ['ERROR', 'gateway_timeout'],
      ['APPROVED', null],
    ]);
    expect(payment.order.status).toBe('CONFIRMED');
  });

  it.each([
    [TEST_CARDS.declined, 'CARD_DECLINED', 1],
    [TEST_CARDS.insufficientFunds, 'INSUFFICIENT_FUNDS', 1],
    [TEST_CARDS.processingError, 'RETRIES_EXHAUSTED', 3],
  ])(
    'fails card %s with %s after %d attempt(s), failing the order and releasing its stock',
    async (number, code, attempts) => {
      const alice = await newCustomer();
      const sku = nextSku();
      const order = await placeOrderFor(admin, alice, { sku, quantity: 4, onHand: 10 });
      const payment = await pay(alice, order.id, number);
      expect(payment).toMatchObject({
        status: 'FAILED_FINAL',
        failureCode: code,
        order: { status: 'FAILED' },
      });
      expect(payment.attempts).toHaveLength(attempts);
      expect(await admin.products.get.query({ sku })).toMatchObject({ onHand: 10, reserved: 0 });
      expect((await alice.ledger.forOrder.query({ orderId: order.id })).entries).toEqual([]);
    },
  );

  it('rejects the blocklisted card before any gateway attempt', async () => {
    const alice = await newCustomer();
    const sku = nextSku();
    const order = await placeOrderFor(admin, alice, { sku, quantity: 1, onHand: 5 });
    const payment = await pay(alice, order.id, TEST_CARDS.blocklisted);
    expect(payment).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'FRAUD_REJECTED',
      attempts: [],
      fraud: { verdict: 'REJECT' },
      order: { status: 'FAILED' },
    });
    expect(payment.fraud.signals.map((s) => s.rule)).toContain('BLOCKLISTED_CARD');
    expect(JSON.stringify(payment)).not.toContain(TEST_CARDS.blocklisted);
    expect(await admin.products.get.query({ sku })).toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('refuses a card that fails Luhn and creates nothing', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const error = await failure(pay(alice, order.id, '4242424242424241'));
    expect(error.data?.domainCode).toBe('PAYMENT.INVALID_CARD');
    expect(error.data?.httpStatus).toBe(400);
    expect((await failure(alice.payments.get.query({ orderId: order.id }))).data?.domainCode).toBe(
      'PAYMENT.NOT_FOUND',
    );
  });

  it('refuses an expired card', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const error = await failure(
      alice.payments.pay.mutate({
        orderId: order.id,
        paymentMethod: { ...card(), expMonth: 1, expYear: 2020 },
        idempotencyKey: randomUUID(),
      }),
    );
    expect(error.data?.details).toEqual({ reason: 'expired' });
  });
});

describe('waiting for the outcome (PAY_WAIT)', () => {
  it('leaves no timer behind once a payment has answered', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const buyers = [await newCustomer(), await newCustomer()];
    const orders = [];
    for (const buyer of buyers) {
      for (let i = 0; i < 4; i++) {
        orders.push({ buyer, order: await placeOrderFor(admin, buyer, { sku: nextSku() }) });
      }
    }
    const before = timers();
    for (const { buyer, order } of orders) {
      expect((await pay(buyer, order.id, TEST_CARDS.visaApproved)).status).toBe('SUCCESS');
    }
    // A 10 s wait per answered payment would add one timer each.
    expect(timers()).toBeLessThan(before + orders.length / 2);
  });
});

describe('idempotency (Stripe semantics)', () => {
  it('replays the same key and body: the same payment, no second attempt or capture', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const key = randomUUID();
    const number = uniqueCardNumber();
    const first = await pay(alice, order.id, number, key);
    const second = await pay(alice, order.id, number, key);
    expect(second).toEqual(first);
    expect((await alice.ledger.forOrder.query({ orderId: order.id })).entries).toHaveLength(1);
  });

  it('refuses the same key with a different body (IDEMPOTENCY.KEY_REUSED, 422)', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const key = randomUUID();
    await pay(alice, order.id, uniqueCardNumber(), key);
    const error = await failure(pay(alice, order.id, uniqueCardNumber(), key));
    expect(error.data?.domainCode).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(error.data?.httpStatus).toBe(422);
  });

  it('refuses a new key on a paid order with a clear conflict and no second charge', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const paid = await pay(alice, order.id);
    const error = await failure(pay(alice, order.id));
    expect(error.data?.domainCode).toBe('PAYMENT.ALREADY_PAID');
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.details).toMatchObject({ paymentId: paid.id, status: 'SUCCESS' });
    expect((await alice.ledger.forOrder.query({ orderId: order.id })).entries).toHaveLength(1);
  });

  it('lets a key be used again after a request that changed nothing (an invalid order state)', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    await alice.orders.cancel.mutate({ id: order.id });
    const key = randomUUID();
    const first = await failure(pay(alice, order.id, undefined, key));
    expect(first.data?.domainCode).toBe('ORDER.NOT_PENDING');
    const again = await failure(pay(alice, order.id, undefined, key));
    expect(again.data?.domainCode).toBe('ORDER.NOT_PENDING');
  });
});

describe('fraud rules on real payments', () => {
  it('rejects a sixth payment by one user within a minute (USER_VELOCITY), with no attempt', async () => {
    const alice = await newCustomer();
    for (let i = 0; i < 5; i++) {
      const order = await placeOrderFor(admin, alice, { sku: nextSku(), quantity: 1 });
      expect((await pay(alice, order.id)).status).toBe('SUCCESS');
    }
    const order = await placeOrderFor(admin, alice, { sku: nextSku(), quantity: 1 });
    const sixth = await pay(alice, order.id);
    expect(sixth).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'FRAUD_REJECTED',
      attempts: [],
    });
    expect(sixth.fraud.signals.map((s) => s.rule)).toEqual(['USER_VELOCITY']);
  });

  it('rejects a card used by a fourth user within a day (CARD_SHARED)', async () => {
    const shared = '4012888888881881';
    for (let i = 0; i < 3; i++) {
      const buyer = await newCustomer();
      const order = await placeOrderFor(admin, buyer, { sku: nextSku(), quantity: 1 });
      expect((await pay(buyer, order.id, shared)).status).toBe('SUCCESS');
    }
    const fourth = await newCustomer();
    const order = await placeOrderFor(admin, fourth, { sku: nextSku(), quantity: 1 });
    const payment = await pay(fourth, order.id, shared);
    expect(payment.failureCode).toBe('FRAUD_REJECTED');
    expect(payment.fraud.signals.map((s) => s.rule)).toEqual(['CARD_SHARED']);
  });
});

describe('ownership', () => {
  it('gives another user NOT_FOUND for every payment and ledger procedure, as for a random id', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    await pay(alice, order.id);
    const mallory = (await signUpCustomer(server.url, 'mallory@example.com')).client;
    for (const orderId of [order.id, randomUUID()]) {
      expect((await failure(pay(mallory, orderId))).data?.domainCode).toBe('ORDER.NOT_FOUND');
      expect((await failure(mallory.payments.get.query({ orderId }))).data?.domainCode).toBe(
        'PAYMENT.NOT_FOUND',
      );
      expect((await failure(mallory.ledger.forOrder.query({ orderId }))).data?.domainCode).toBe(
        'ORDER.NOT_FOUND',
      );
    }
  });

  it('lets an admin read any payment and ledger, and only an admin verify the ledger', async () => {
    const alice = await newCustomer();
    const order = await placeOrderFor(admin, alice, { sku: nextSku() });
    const paid = await pay(alice, order.id);
    expect((await admin.payments.get.query({ orderId: order.id })).id).toBe(paid.id);
    expect((await admin.ledger.forOrder.query({ orderId: order.id })).entries).toHaveLength(1);
    const refused = await failure(alice.ledger.verify.query());
    expect(refused.data?.code).toBe('FORBIDDEN');
  });
});
