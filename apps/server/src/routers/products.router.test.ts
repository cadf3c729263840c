import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, failure, logInAdmin } from '../testing/test-client.js';
import { expectStockConsistent } from '../testing/stock-invariant.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({ sku: 'MUG-02', name: 'Mug', priceCents: 1200, onHand: 4 });
  await admin.inventory.upsert.mutate({
    sku: 'BOOK-01',
    name: 'Book',
    priceCents: 2599,
    onHand: 9,
  });
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

describe('products.list', () => {
  it('shows anyone the catalogue in SKU order, with prices and available stock', async () => {
    const products = await createTestClient(server.url).products.list.query();
    expect(products).toEqual([
      {
        sku: 'BOOK-01',
        name: 'Book',
        priceCents: 2599,
        currency: 'USD',
        onHand: 9,
        reserved: 0,
        available: 9,
      },
      {
        sku: 'MUG-02',
        name: 'Mug',
        priceCents: 1200,
        currency: 'USD',
        onHand: 4,
        reserved: 0,
        available: 4,
      },
    ]);
  });
});

describe('products.get', () => {
  it('finds a product by SKU, whatever the case and blanks the client sends', async () => {
    const product = await createTestClient(server.url).products.get.query({ sku: ' mug-02 ' });
    expect(product).toMatchObject({ sku: 'MUG-02', available: 4 });
  });

  it('answers NOT_FOUND with INVENTORY.PRODUCT_NOT_FOUND for an unknown SKU', async () => {
    const error = await failure(createTestClient(server.url).products.get.query({ sku: 'NOPE-1' }));
    expect(error.data).toMatchObject({
      code: 'NOT_FOUND',
      domainCode: 'INVENTORY.PRODUCT_NOT_FOUND',
      details: { sku: 'NOPE-1' },
    });
  });

  it.each(['', 'has space', 'ÜMLAUT', '-LEADING', 'X'.repeat(65)])(
    'refuses the SKU %j as BAD_REQUEST with the field named',
    async (sku) => {
      const error = await failure(createTestClient(server.url).products.get.query({ sku }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.issues?.[0]?.path).toBe('sku');
    },
  );
});
