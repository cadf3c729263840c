import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pay, placeOrderFor } from '../testing/payment-fixtures.js';
import { logInAdmin, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let admin: TestClient;
let buyer: TestClient;

beforeAll(async () => {
  // Orders expire after one second; the worker is driven by hand through `tick()`.
  server = await startTestServer({ orderTtlMs: 1_000 }, { payments: { workerPollMs: 60_000 } });
  admin = await logInAdmin(server.url);
  buyer = (await signUpCustomer(server.url, 'expiring@example.com')).client;
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

describe('the worker', () => {
  it('cancels a PENDING order past its TTL and releases its stock', async () => {
    const order = await placeOrderFor(admin, buyer, { sku: 'TTL-1', quantity: 3, onHand: 10 });
    expect(await admin.products.get.query({ sku: 'TTL-1' })).toMatchObject({ reserved: 3 });

    await server.worker.tick();
    expect((await buyer.orders.get.query({ id: order.id })).status).toBe('PENDING');

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await server.worker.tick();
    expect((await buyer.orders.get.query({ id: order.id })).status).toBe('CANCELLED');
    expect(await admin.products.get.query({ sku: 'TTL-1' })).toMatchObject({
      onHand: 10,
      reserved: 0,
      available: 10,
    });
  });

  it('refuses to pay an order that has expired, even before the worker gets to it', async () => {
    const order = await placeOrderFor(admin, buyer, { sku: 'TTL-2', quantity: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(pay(buyer, order.id)).rejects.toMatchObject({
      data: { domainCode: 'ORDER.EXPIRED' },
    });
  });
});
