import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from './dev-seed.js';
import { expectStockConsistent } from './testing/stock-invariant.js';
import { createTestClient } from './testing/test-client.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
  await server.close();
});

const inDevelopment = () => ({
  ...server.services,
  config: { ...server.services.config, env: 'development' as const },
});

describe('seedCatalogue', () => {
  it('does nothing outside development', async () => {
    expect(await seedCatalogue(server.services)).toBe(0);
    expect(await createTestClient(server.url).products.list.query()).toEqual([]);
  });

  it('fills an empty catalogue in development, once', async () => {
    expect(await seedCatalogue(inDevelopment())).toBe(10);
    expect(await seedCatalogue(inDevelopment())).toBe(0);
    const products = await createTestClient(server.url).products.list.query();
    expect(products).toHaveLength(10);
    expect(products.map((p) => p.sku)).toContain('KEYBOARD-01');
    for (const product of products) {
      expect(product.onHand).toBeGreaterThanOrEqual(25);
      expect(product.onHand).toBeLessThanOrEqual(200);
      expect(Number.isInteger(product.priceCents) && product.priceCents > 0).toBe(true);
    }
  });
});
