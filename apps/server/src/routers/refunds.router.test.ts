import { randomUUID } from 'node:crypto';
import { createRetryPolicy, TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { card, uniqueCardNumber } from '../testing/payment-fixtures.js';
import {
  restCall,
  type RestErrorBody,
  type RestOutputs,
  type RestResponse,
} from '../testing/rest-client.js';
import { countRows, expectStockConsistent } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';

// Refunds over HTTP, through the typed tRPC client and the REST mirror, on a real database: the
// engine drives each refund against the simulated gateway, the database holds the cap.

type Refund = RestOutputs['refunds']['create'];

let server: TestServer;
/** A second instance on the same database whose simulated gateway fails half its calls. */
let noisy: TestServer;
let admin: TestClient;
let adminToken: string;

const fastRetries = { retryPolicy: createRetryPolicy({ baseMs: 5 }), workerPollMs: 50 };

beforeAll(async () => {
  server = await startTestServer({}, { payments: fastRetries });
  noisy = await startTestServer(
    { databaseUrl: server.config.databaseUrl },
    { payments: { ...fastRetries, noise: { rate: 0.5, seed: 16 } } },
  );
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  admin = createTestClient(server.url, adminToken);
});
afterAll(async () => {
  const report = await admin.ledger.verify.query();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  await expectStockConsistent(server.services.db);
  await noisy.close();
  await server.close();
});

let serial = 0;

/**
 * A CONFIRMED order of fresh SKUs (10 of each in stock), paid by a fresh customer — one per order,
 * so the fraud rules' velocity never trips — with a card of its own (or `number`).
 */
async function paidOrder(
  options: {
    readonly lines?: readonly { readonly quantity: number; readonly priceCents: number }[];
    readonly number?: string;
  } = {},
) {
  const n = ++serial;
  const lines = options.lines ?? [{ quantity: 4, priceCents: 2_500 }];
  const skus = lines.map((_, i) => `RFD-${n}-${i}`);
  for (const [i, line] of lines.entries()) {
    const sku = skus[i] ?? '';
    await admin.inventory.upsert.mutate({
      sku,
      name: sku,
      priceCents: line.priceCents,
      onHand: 10,
    });
  }
  const customer = await signUpCustomer(server.url, `refund-buyer-${n}@example.com`);
  const order = await customer.client.orders.create.mutate({
    items: lines.map((line, i) => ({ sku: skus[i] ?? '', quantity: line.quantity })),
  });
  const paid = await customer.client.payments.pay.mutate({
    orderId: order.id,
    paymentMethod: card(options.number ?? uniqueCardNumber()),
    idempotencyKey: randomUUID(),
  });
  expect(paid.status).toBe('SUCCESS');
  return { orderId: order.id, totalCents: order.totalCents, skus, customer };
}

/** An admin's refund over tRPC, with a fresh idempotency key unless one is given. */
function refund(
  orderId: string,
  extra: Partial<Parameters<TestClient['refunds']['create']['mutate']>[0]> = {},
  client: TestClient = admin,
): Promise<Refund> {
  return client.refunds.create.mutate({
    orderId,
    reason: 'requested_by_customer',
    idempotencyKey: randomUUID(),
    ...extra,
  });
}

/** A REST call to the refunds of an order. */
function restRefunds<T>(
  method: 'GET' | 'POST',
  orderId: string,
  token: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestResponse<T>> {
  return restCall<T>(server.url, method, `/api/payment-processor/${orderId}/refunds`, {
    token,
    ...options,
  });
}

async function onHand(sku: string): Promise<number> {
  return (await admin.products.get.query({ sku })).onHand;
}

async function orderStatus(orderId: string): Promise<string> {
  const rows = await server.services.db.execute<{ status: string }[]>(
    'select status from orders where id = ?',
    [orderId],
  );
  return rows[0]?.status ?? 'none';
}

describe('refunding a whole payment, or part of it', () => {
  it('refunds the whole capture by default: the order is REFUNDED, the entry posted, the payment view shows it', async () => {
    const { orderId, totalCents, customer } = await paidOrder();
    const refunded = await refund(orderId, { note: 'never arrived' });
    expect(refunded).toMatchObject({
      orderId,
      amountCents: totalCents,
      currency: 'USD',
      reason: 'requested_by_customer',
      note: 'never arrived',
      status: 'SUCCEEDED',
      failureCode: null,
      restock: [],
      attempts: [{ number: 1, outcome: 'APPROVED', code: null }],
    });
    expect(refunded.settledAt).not.toBeNull();
    expect(await customer.client.orders.get.query({ id: orderId })).toMatchObject({
      status: 'REFUNDED',
    });

    const payment = await customer.client.payments.get.query({ orderId });
    expect(payment).toMatchObject({
      status: 'SUCCESS',
      refundedCents: totalCents,
      refunds: [{ id: refunded.id, status: 'SUCCEEDED', amountCents: totalCents }],
      order: { status: 'REFUNDED' },
    });
    expect(refunded.paymentId).toBe(payment.id);

    const ledger = await customer.client.ledger.forOrder.query({ orderId });
    expect(ledger.entries.map((e) => e.kind)).toEqual(['CAPTURE', 'REFUND']);
    expect(ledger.entries[1]).toMatchObject({
      kind: 'REFUND',
      reference: `refund:${refunded.id}`,
      postings: [
        { account: 'revenue:refunds', amountCents: totalCents },
        { account: 'assets:gateway_clearing', amountCents: -totalCents },
      ],
    });
    // A refunded order has nothing left to refund: over the cap, whatever is asked.
    for (const asked of [{}, { amountCents: 1 }]) {
      const again = await failure(refund(orderId, asked));
      expect(again.data).toMatchObject({
        httpStatus: 422,
        domainCode: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
        details: { orderId, refundableCents: 0, requestedCents: asked.amountCents ?? 0 },
      });
    }
  });

  it('refunds in two parts over REST: PARTIALLY_REFUNDED, then REFUNDED, an order event each', async () => {
    const { orderId, totalCents, customer } = await paidOrder();
    const first = await restRefunds<Refund>('POST', orderId, adminToken, {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { amountCents: 3_000, reason: 'duplicate', note: 'charged twice' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'SUCCEEDED',
      amountCents: 3_000,
      note: 'charged twice',
    });
    const order = await restCall<RestOutputs['orders']['get']>(
      server.url,
      'GET',
      `/api/orders/${orderId}`,
      { token: customer.token },
    );
    expect(order.body.status).toBe('PARTIALLY_REFUNDED');

    const rest = await restRefunds<Refund>('POST', orderId, adminToken, {
      body: { reason: 'other', idempotencyKey: randomUUID() },
    });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ status: 'SUCCEEDED', amountCents: totalCents - 3_000 });
    expect(await orderStatus(orderId)).toBe('REFUNDED');

    const listed = await restRefunds<RestOutputs['refunds']['list']>(
      'GET',
      orderId,
      customer.token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.map((r) => [r.id, r.amountCents, r.status])).toEqual([
      [first.body.id, 3_000, 'SUCCEEDED'],
      [rest.body.id, totalCents - 3_000, 'SUCCEEDED'],
    ]);
    const payment = await restCall<RestOutputs['payments']['get']>(
      server.url,
      'GET',
      `/api/payment-processor/${orderId}`,
      { token: customer.token },
    );
    expect(payment.body.refundedCents).toBe(totalCents);
    expect(payment.body.refunds.map((r) => r.id)).toEqual([first.body.id, rest.body.id]);
    const ledger = await restCall<RestOutputs['ledger']['forOrder']>(
      server.url,
      'GET',
      `/api/orders/${orderId}/ledger`,
      { token: customer.token },
    );
    expect(ledger.body.entries.map((e) => e.reference)).toEqual([
      `capture:${payment.body.id}`,
      `refund:${first.body.id}`,
      `refund:${rest.body.id}`,
    ]);

    const events = await server.services.db.execute<{ from_status: string; to_status: string }[]>(
      'select from_status, to_status from order_events where order_id = ? order by id',
      [orderId],
    );
    expect(events.slice(-2)).toEqual([
      { from_status: 'CONFIRMED', to_status: 'PARTIALLY_REFUNDED' },
      { from_status: 'PARTIALLY_REFUNDED', to_status: 'REFUNDED' },
    ]);
  });

  it('refuses an unpaid, a failed and a cancelled order: REFUND.NOT_REFUNDABLE, nothing written', async () => {
    const n = ++serial;
    const sku = `RFD-${n}-0`;
    await admin.inventory.upsert.mutate({ sku, name: sku, priceCents: 1_000, onHand: 10 });
    const { client: buyer } = await signUpCustomer(server.url, `unrefundable-${n}@example.com`);
    const place = () => buyer.orders.create.mutate({ items: [{ sku, quantity: 1 }] });
    const pending = await place();
    const failed = await place();
    const declined = await buyer.payments.pay.mutate({
      orderId: failed.id,
      paymentMethod: card(TEST_CARDS.declined),
      idempotencyKey: randomUUID(),
    });
    expect(declined.status).toBe('FAILED_FINAL');
    const cancelled = await place();
    await buyer.orders.cancel.mutate({ id: cancelled.id });

    const refundsBefore = await countRows(server.services.db, 'refunds');
    const cases = [
      [pending.id, 'PENDING', null],
      [failed.id, 'FAILED', 'FAILED_FINAL'],
      [cancelled.id, 'CANCELLED', null],
    ] as const;
    for (const [orderId, orderStatus, paymentStatus] of cases) {
      const refused = await failure(refund(orderId, { amountCents: 100 }));
      expect(refused.data).toMatchObject({
        code: 'CONFLICT',
        httpStatus: 409,
        domainCode: 'REFUND.NOT_REFUNDABLE',
        details: { orderId, orderStatus, paymentStatus },
      });
      const overRest = await restRefunds<RestErrorBody>('POST', orderId, adminToken, {
        body: { reason: 'other', idempotencyKey: randomUUID() },
      });
      expect(overRest.status).toBe(409);
      expect(overRest.body.data.domainCode).toBe('REFUND.NOT_REFUNDABLE');
    }
    expect(await countRows(server.services.db, 'refunds')).toBe(refundsBefore);

    const unknown = await failure(refund(randomUUID()));
    expect(unknown.data?.domainCode).toBe('ORDER.NOT_FOUND');
  });

  it('refuses more than is still refundable, naming what is left in data.details.refundableCents', async () => {
    const { orderId } = await paidOrder(); // 10,000 cents
    await refund(orderId, { amountCents: 9_000 });
    const over = await failure(refund(orderId, { amountCents: 1_001 }));
    expect(over.data).toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      httpStatus: 422,
      domainCode: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
      details: { orderId, requestedCents: 1_001, refundableCents: 1_000, currency: 'USD' },
    });
    expect(over.message).toContain('10.00 USD is still refundable');
    const overRest = await restRefunds<RestErrorBody>('POST', orderId, adminToken, {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { amountCents: 5_000, reason: 'other' },
    });
    expect(overRest.status).toBe(422);
    expect(overRest.body.data).toMatchObject({
      domainCode: 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE',
      details: { refundableCents: 1_000 },
    });
    // Exactly what is left goes through.
    expect(await refund(orderId, { amountCents: 1_000 })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await orderStatus(orderId)).toBe('REFUNDED');
  });
});

describe('refunds the gateway does not take at once', () => {
  it('fails a refund of a 4000000000005126 payment: no entry, order and stock unchanged, the amount refundable again', async () => {
    const { orderId, totalCents, skus, customer } = await paidOrder({
      number: TEST_CARDS.refundFails,
      lines: [{ quantity: 2, priceCents: 2_500 }],
    });
    const sku = skus[0] ?? '';
    const stocked = await onHand(sku);
    const failed = await refund(orderId, { restock: [{ sku, quantity: 2 }] });
    expect(failed).toMatchObject({
      amountCents: totalCents,
      status: 'FAILED',
      failureCode: 'REFUND_FAILED',
      attempts: [{ number: 1, outcome: 'DECLINED', code: 'refund_failed' }],
    });
    expect(failed.settledAt).not.toBeNull();
    expect(await orderStatus(orderId)).toBe('CONFIRMED');
    expect(await onHand(sku)).toBe(stocked);
    const ledger = await customer.client.ledger.forOrder.query({ orderId });
    expect(ledger.entries.map((e) => e.kind)).toEqual(['CAPTURE']);
    expect(await customer.client.payments.get.query({ orderId })).toMatchObject({
      refundedCents: 0,
      refunds: [{ id: failed.id, status: 'FAILED' }],
    });

    // Its amount and its restock are held no more: the same refund can be asked for again.
    const again = await refund(orderId, { restock: [{ sku, quantity: 2 }] });
    expect(again).toMatchObject({ amountCents: totalCents, status: 'FAILED' });
    expect(await onHand(sku)).toBe(stocked);
  });

  it('retries a refund through transient gateway errors and posts exactly one entry for it', async () => {
    const { orderId } = await paidOrder({ lines: [{ quantity: 1, priceCents: 10_000 }] });
    const onNoisy = createTestClient(noisy.url, adminToken);
    // The noise is drawn per refund id and attempt; refunds of 1 USD until one met it and won.
    const made: Refund[] = [];
    let retried: Refund | undefined;
    while (retried === undefined && made.length < 40) {
      const one = await refund(orderId, { amountCents: 100 }, onNoisy);
      made.push(one);
      if (one.status === 'SUCCEEDED' && one.attempts.length > 1) retried = one;
    }
    expect(retried).toBeDefined();
    const outcomes = (retried?.attempts ?? []).map((a) => [a.outcome, a.code]);
    expect(outcomes.at(-1)).toEqual(['APPROVED', null]);
    expect(new Set(outcomes.slice(0, -1).map(String))).toEqual(new Set(['ERROR,processing_error']));

    // Every refund ended: SUCCEEDED with one entry each, or FAILED after three errors with none.
    const succeeded = made.filter((r) => r.status === 'SUCCEEDED');
    for (const r of made.filter((r) => r.status !== 'SUCCEEDED')) {
      expect(r).toMatchObject({ status: 'FAILED', failureCode: 'RETRIES_EXHAUSTED' });
      expect(r.attempts.map((a) => a.outcome)).toEqual(['ERROR', 'ERROR', 'ERROR']);
    }
    const ledger = await admin.ledger.forOrder.query({ orderId });
    expect(
      ledger.entries
        .filter((e) => e.kind === 'REFUND')
        .map((e) => e.reference)
        .sort(),
    ).toEqual(succeeded.map((r) => `refund:${r.id}`).sort());
    expect((await admin.payments.get.query({ orderId })).refundedCents).toBe(
      100 * succeeded.length,
    );
    expect(await orderStatus(orderId)).toBe('PARTIALLY_REFUNDED');

    const metrics = await scrapeMetrics(noisy.url);
    expect(metricValue(metrics, 'refund_attempts_total', { outcome: 'ERROR' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'refunds_final_total', { status: 'SUCCEEDED' })).toBe(
      succeeded.length,
    );
  });
});

describe('restocking with a refund', () => {
  it('adds back exactly what each refund restocks, never more than bought less what was restocked', async () => {
    const { orderId, skus } = await paidOrder({
      lines: [
        { quantity: 3, priceCents: 1_000 },
        { quantity: 2, priceCents: 500 },
      ],
    }); // 4,000 cents
    const [a = '', b = ''] = skus;
    const before = { a: await onHand(a), b: await onHand(b) };
    expect(before).toEqual({ a: 7, b: 8 });

    const first = await refund(orderId, { amountCents: 1_000, restock: [{ sku: a, quantity: 2 }] });
    expect(first).toMatchObject({ status: 'SUCCEEDED', restock: [{ sku: a, quantity: 2 }] });
    expect(await onHand(a)).toBe(before.a + 2);

    const refundsBefore = await countRows(server.services.db, 'refunds');
    const refusals = [
      [[{ sku: a, quantity: 2 }], { sku: a, requested: 2, restockable: 1 }],
      // The same SKU twice in one request counts once, summed.
      [
        [
          { sku: a, quantity: 1 },
          { sku: a, quantity: 1 },
        ],
        { sku: a, requested: 2, restockable: 1 },
      ],
      [[{ sku: b, quantity: 3 }], { sku: b, requested: 3, restockable: 2 }],
      [[{ sku: 'NOT-BOUGHT', quantity: 1 }], { sku: 'NOT-BOUGHT', requested: 1, restockable: 0 }],
    ] as const;
    for (const [restock, details] of refusals) {
      const refused = await failure(refund(orderId, { amountCents: 500, restock: [...restock] }));
      expect(refused.data).toMatchObject({
        httpStatus: 422,
        domainCode: 'REFUND.INVALID_RESTOCK',
        details,
      });
    }
    expect(await countRows(server.services.db, 'refunds')).toBe(refundsBefore);
    expect(await onHand(a)).toBe(before.a + 2);

    // A lower-case SKU is the product's SKU, as everywhere else.
    const last = await refund(orderId, {
      restock: [
        { sku: a.toLowerCase(), quantity: 1 },
        { sku: b, quantity: 2 },
      ],
    });
    expect(last).toMatchObject({ status: 'SUCCEEDED', amountCents: 3_000 });
    expect({ a: await onHand(a), b: await onHand(b) }).toEqual({
      a: before.a + 3,
      b: before.b + 2,
    });
    expect(await orderStatus(orderId)).toBe('REFUNDED');

    const movements = await server.services.db.execute<{ sku: string; units: number }[]>(
      `select p.sku, sum(m.on_hand_delta)::int as units from stock_movements m
         join products p on p.id = m.product_id
        where m.kind = 'RESTOCK' and m.order_id = ? and m.reserved_delta = 0
        group by p.sku order by p.sku`,
      [orderId],
    );
    expect(movements).toEqual([
      { sku: a, units: 3 },
      { sku: b, units: 2 },
    ]);
    await expectStockConsistent(server.services.db);
  });
});

describe('the ledger with refunds', () => {
  /** A change the append-only triggers refuse, made as the database's owner would: triggers off. */
  async function tamper(table: string, sql: string, params: unknown[]): Promise<void> {
    const { db } = server.services;
    await db.execute(`alter table ${table} disable trigger ${table}_append_only`);
    try {
      await db.execute(sql, params);
    } finally {
      await db.execute(`alter table ${table} enable trigger ${table}_append_only`);
    }
  }
  const codesOf = async () => (await admin.ledger.verify.query()).problems.map((p) => p.code);

  it('verifies, and finds a refund entry rewritten or a refund no longer SUCCEEDED', async () => {
    const { orderId } = await paidOrder();
    const refunded = await refund(orderId, { amountCents: 700 });
    expect(await admin.ledger.verify.query()).toMatchObject({ ok: true, problems: [] });

    // One cent more each way: the entry still balances, but it no longer matches its refund.
    const entry = `(select id from journal_entries where reference = ?)`;
    const shift = (by: number) =>
      tamper(
        'postings',
        `update postings set amount_cents = amount_cents + sign(amount_cents)::int * ?
          where entry_id = ${entry}`,
        [by, `refund:${refunded.id}`],
      );
    await shift(1);
    try {
      const codes = await codesOf();
      expect(codes).toEqual(
        expect.arrayContaining(['REFUND_AMOUNT_MISMATCH', 'CHAIN_HASH_MISMATCH']),
      );
      expect(codes).not.toContain('ENTRY_UNBALANCED');
    } finally {
      await shift(-1);
    }
    expect(await codesOf()).toEqual([]);

    // The refund rewritten as FAILED: its entry is now one no refund should have.
    const setStatus = (status: string, failureCode: string | null) =>
      server.services.db.execute('update refunds set status = ?, failure_code = ? where id = ?', [
        status,
        failureCode,
        refunded.id,
      ]);
    await setStatus('FAILED', 'REFUND_FAILED');
    try {
      expect(await codesOf()).toEqual(['REFUND_ENTRY_WITHOUT_SUCCESS']);
    } finally {
      await setStatus('SUCCEEDED', null);
    }
    expect(await admin.ledger.verify.query()).toMatchObject({ ok: true });
  });
});

describe('who may refund, and who may see refunds', () => {
  it('refuses a customer’s refund (403 AUTH.FORBIDDEN) and hides refunds from other customers (404)', async () => {
    const { orderId, customer } = await paidOrder();
    const mine = await refund(orderId, { amountCents: 250 });

    const byOwner = await failure(refund(orderId, { amountCents: 1 }, customer.client));
    expect(byOwner.data).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      domainCode: 'AUTH.FORBIDDEN',
    });
    const overRest = await restRefunds<RestErrorBody>('POST', orderId, customer.token, {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { amountCents: 1, reason: 'other' },
    });
    expect(overRest.status).toBe(403);
    expect(overRest.body.data.domainCode).toBe('AUTH.FORBIDDEN');

    expect((await customer.client.refunds.list.query({ orderId })).map((r) => r.id)).toEqual([
      mine.id,
    ]);
    expect((await admin.refunds.list.query({ orderId })).map((r) => r.id)).toEqual([mine.id]);

    const nosy = await signUpCustomer(server.url, `nosy-${++serial}@example.com`);
    const hidden = await failure(nosy.client.refunds.list.query({ orderId }));
    expect(hidden.data).toMatchObject({ httpStatus: 404, domainCode: 'ORDER.NOT_FOUND' });
    const hiddenRest = await restRefunds<RestErrorBody>('GET', orderId, nosy.token);
    expect(hiddenRest.status).toBe(404);
    expect(hiddenRest.body.data.domainCode).toBe('ORDER.NOT_FOUND');
    // Exactly as an order that does not exist.
    const missing = await restRefunds<RestErrorBody>('GET', randomUUID(), nosy.token);
    expect(missing.status).toBe(404);
    expect((await admin.refunds.list.query({ orderId })).map((r) => r.status)).toEqual([
      'SUCCEEDED',
    ]);
  });

  it('refuses a reason that is not one of the four, over REST (400 data.issues)', async () => {
    const { orderId } = await paidOrder();
    const refused = await restRefunds<RestErrorBody>('POST', orderId, adminToken, {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { amountCents: 100, reason: 'because' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.data.issues?.map((i) => i.path)).toEqual(['reason']);
    expect(await admin.refunds.list.query({ orderId })).toEqual([]);
  });
});

describe('idempotency of refunds.create (scope refunds.create)', () => {
  it('makes one refund of 30 concurrent requests with one key, over tRPC and REST', async () => {
    const { orderId } = await paidOrder();
    const key = randomUUID();
    const body = { amountCents: 1_500, reason: 'requested_by_customer' as const };
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        if (i % 2 === 0) return (await refund(orderId, { ...body, idempotencyKey: key })).id;
        const answer = await restRefunds<Refund>('POST', orderId, adminToken, {
          headers: { 'Idempotency-Key': key },
          body,
        });
        return answer.status === 200 ? answer.body.id : `${answer.status} ${answer.text}`;
      }),
    );
    expect(new Set(answers).size).toBe(1);
    const refunds = await admin.refunds.list.query({ orderId });
    expect(refunds.map((r) => [r.id, r.status, r.amountCents])).toEqual([
      [answers[0], 'SUCCEEDED', 1_500],
    ]);
    const ledger = await admin.ledger.forOrder.query({ orderId });
    expect(ledger.entries.filter((e) => e.kind === 'REFUND')).toHaveLength(1);
  });

  it('refuses the key for a different request: IDEMPOTENCY.KEY_REUSED (422), nothing written', async () => {
    const { orderId } = await paidOrder();
    const key = randomUUID();
    const first = await refund(orderId, { amountCents: 100, idempotencyKey: key });
    const replayed = await refund(orderId, { amountCents: 100, idempotencyKey: key });
    expect(replayed).toEqual(first);
    const reused = await failure(refund(orderId, { amountCents: 200, idempotencyKey: key }));
    expect(reused.data).toMatchObject({ httpStatus: 422, domainCode: 'IDEMPOTENCY.KEY_REUSED' });
    const reusedRest = await restRefunds<RestErrorBody>('POST', orderId, adminToken, {
      headers: { 'Idempotency-Key': key },
      body: { amountCents: 100, reason: 'other' },
    });
    expect(reusedRest.status).toBe(422);
    expect(reusedRest.body.data.domainCode).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await admin.refunds.list.query({ orderId })).toHaveLength(1);
  });
});
