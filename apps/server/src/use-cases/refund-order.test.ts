import { createRetryPolicy, TEST_CARDS } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card, uniqueCardNumber } from '../testing/payment-fixtures.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { callerFor } from '../testing/use-case-env.js';

// `refunds.create` called in-process through the router: the use case, the engine driving the
// refund, the holds and the ledger, on a real database.
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
    email: 'refunds@example.com',
    password: 'password-1',
  });
  customer = callerFor(server.services, { userId: signedUp.id, role: 'CUSTOMER' });
  const session = await anonymous.auth.login({
    email: 'admin@test.local',
    password: 'admin-password-1',
  });
  admin = callerFor(server.services, { userId: session.user.id, role: 'ADMIN' });
});
afterAll(async () => {
  const report = await admin.ledger.verify();
  expect(report.problems).toEqual([]);
  await expectStockConsistent(server.services.db);
  await server.close();
});

let serial = 0;
/** A paid order of 4 × 2500 cents of a fresh SKU (10 in stock). */
async function paidOrder(number: string = uniqueCardNumber()) {
  const sku = `RF-${++serial}`;
  await admin.inventory.upsert({ sku, name: `Product ${sku}`, priceCents: 2_500, onHand: 10 });
  const order = await customer.orders.create({ items: [{ sku, quantity: 4 }] });
  const paid = await customer.payments.pay({
    orderId: order.id,
    paymentMethod: card(number),
    idempotencyKey: crypto.randomUUID(),
  });
  expect(paid.status).toBe('SUCCESS');
  return { ...order, sku };
}
const refund = (orderId: string, extra: object = {}) =>
  admin.refunds.create({
    orderId,
    reason: 'requested_by_customer',
    idempotencyKey: crypto.randomUUID(),
    ...extra,
  });

describe('refunds.create through the router', () => {
  it('refunds in two parts: PARTIALLY_REFUNDED, then REFUNDED, restocking what it says', async () => {
    const order = await paidOrder();
    const first = await refund(order.id, {
      amountCents: 4_000,
      restock: [{ sku: order.sku, quantity: 1 }],
    });
    expect(first).toMatchObject({
      status: 'SUCCEEDED',
      amountCents: 4_000,
      attempts: [{ outcome: 'APPROVED' }],
    });
    expect((await customer.orders.get({ id: order.id })).status).toBe('PARTIALLY_REFUNDED');
    expect(await callerFor(server.services).products.get({ sku: order.sku })).toMatchObject({
      onHand: 7,
    });

    const rest = await refund(order.id);
    expect(rest).toMatchObject({ status: 'SUCCEEDED', amountCents: 6_000 });
    expect((await customer.orders.get({ id: order.id })).status).toBe('REFUNDED');
    const payment = await customer.payments.get({ orderId: order.id });
    expect(payment).toMatchObject({
      refundedCents: 10_000,
      refunds: [{ amountCents: 4_000 }, { amountCents: 6_000 }],
    });
    const ledger = await admin.ledger.forOrder({ orderId: order.id });
    expect(ledger.entries.map((e) => e.kind)).toEqual(['CAPTURE', 'REFUND', 'REFUND']);
  });

  it('refuses more than is left, naming what is left, and anything on a refunded order', async () => {
    const order = await paidOrder();
    await refund(order.id, { amountCents: 9_000 });
    await expect(refund(order.id, { amountCents: 1_001 })).rejects.toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      message: expect.stringContaining('10.00 USD is still refundable') as unknown as string,
    });
    await refund(order.id);
    // REFUNDED: over the cap, whatever is asked, with nothing left.
    for (const asked of [{}, { amountCents: 1 }]) {
      await expect(refund(order.id, asked)).rejects.toMatchObject({
        code: 'UNPROCESSABLE_CONTENT',
        message: `Nothing is left to refund of order ${order.id}.`,
      });
    }
  });

  it('fails a refund the gateway refuses: no entry, order unchanged, the amount refundable again', async () => {
    const order = await paidOrder(TEST_CARDS.refundFails);
    const failed = await refund(order.id, { amountCents: 1_000 });
    expect(failed).toMatchObject({ status: 'FAILED', failureCode: 'REFUND_FAILED' });
    expect((await customer.orders.get({ id: order.id })).status).toBe('CONFIRMED');
    expect((await admin.ledger.forOrder({ orderId: order.id })).entries.map((e) => e.kind)).toEqual(
      ['CAPTURE'],
    );
    // The whole capture can be asked for again; the gateway refuses again.
    expect(await refund(order.id)).toMatchObject({ status: 'FAILED', amountCents: 10_000 });
  });

  it('replays a request under its key, and lets a customer neither refund nor see others’ refunds', async () => {
    const order = await paidOrder();
    const key = crypto.randomUUID();
    const once = await refund(order.id, { amountCents: 100, idempotencyKey: key });
    const again = await refund(order.id, { amountCents: 100, idempotencyKey: key });
    expect(again.id).toBe(once.id);
    await expect(
      customer.refunds.create({ orderId: order.id, reason: 'other', idempotencyKey: 'mine' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await customer.refunds.list({ orderId: order.id })).toHaveLength(1);
    const other = await callerFor(server.services).auth.signup({
      email: 'nosy@example.com',
      password: 'password-1',
    });
    await expect(
      callerFor(server.services, { userId: other.id, role: 'CUSTOMER' }).refunds.list({
        orderId: order.id,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
