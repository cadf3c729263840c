import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOrderRows, expectStockConsistent } from '../testing/stock-invariant.js';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// An instance remembers the products it has read and prices later orders of them from memory;
// whatever changed since must still decide the order (DESIGN §2: prices come from the catalogue).
let server: TestServer;
let admin: TestClient;
let customer: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await logInAdmin(server.url);
  customer = (await signUpCustomer(server.url, 'memory@example.com')).client;
});
afterAll(async () => {
  await expectStockConsistent(server.services.orm);
  await server.close();
});

const stock = (sku: string) => createTestClient(server.url).products.get.query({ sku });
const order = (sku: string, quantity: number) =>
  customer.orders.create.mutate({ items: [{ sku, quantity }] });

describe('orders of products the instance has read before', () => {
  it('are priced from the catalogue as it is now when a product changed since', async () => {
    await admin.inventory.upsert.mutate({
      sku: 'MEMO-01',
      name: 'Pad',
      priceCents: 300,
      onHand: 9,
    });
    expect(await order('MEMO-01', 1)).toMatchObject({ totalCents: 300 });
    expect(server.services.catalogue.recall(['MEMO-01'])).toMatchObject([{ priceCents: 300 }]);

    await admin.inventory.upsert.mutate({
      sku: 'MEMO-01',
      name: 'Ruled pad',
      priceCents: 350,
      onHand: 9,
    });
    const repriced = await order('MEMO-01', 2);
    expect(repriced).toMatchObject({
      totalCents: 700,
      lines: [{ sku: 'MEMO-01', name: 'Ruled pad', quantity: 2, unitPriceCents: 350 }],
    });
    expect(server.services.catalogue.recall(['MEMO-01'])).toMatchObject([{ priceCents: 350 }]);
    expect(await stock('MEMO-01')).toMatchObject({ onHand: 9, reserved: 3 });
  });

  it('are refused when short, with what is available, and write nothing', async () => {
    await admin.inventory.upsert.mutate({
      sku: 'MEMO-02',
      name: 'Pen',
      priceCents: 120,
      onHand: 2,
    });
    await order('MEMO-02', 1);
    expect(server.services.catalogue.recall(['MEMO-02'])).toBeDefined();
    const rows = await countOrderRows(server.services.orm);

    const error = await failure(order('MEMO-02', 2));
    expect(error.data).toMatchObject({
      domainCode: 'INVENTORY.INSUFFICIENT_STOCK',
      details: { sku: 'MEMO-02', requested: 2, available: 1 },
    });
    expect(await countOrderRows(server.services.orm)).toEqual(rows);
    expect(await stock('MEMO-02')).toMatchObject({ onHand: 2, reserved: 1 });
  });

  it('that also name a product not read yet are priced from a fresh read of both', async () => {
    await admin.inventory.upsert.mutate({ sku: 'MEMO-03', name: 'Ink', priceCents: 80, onHand: 5 });
    expect(server.services.catalogue.recall(['MEMO-01', 'MEMO-03'])).toBeUndefined();
    const placed = await customer.orders.create.mutate({
      items: [
        { sku: 'MEMO-01', quantity: 1 },
        { sku: 'MEMO-03', quantity: 1 },
      ],
    });
    expect(placed.totalCents).toBe(350 + 80);
    expect(server.services.catalogue.recall(['MEMO-01', 'MEMO-03'])).toHaveLength(2);
  });
});
