import type { Database, Sql } from '@orders/db';
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
import { createCatalogueMemory } from '../use-cases/catalogue-memory.js';
import { placeOrderForUser } from '../use-cases/place-order.js';

// An instance remembers the products it has read and prices later orders of them from memory;
// whatever changed since must still decide the order (DESIGN §2: prices come from the catalogue).
let server: TestServer;
let admin: TestClient;
let customer: TestClient;
let customerId: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await logInAdmin(server.url);
  ({ client: customer, userId: customerId } = await signUpCustomer(
    server.url,
    'memory@example.com',
  ));
});
afterAll(async () => {
  await expectStockConsistent(server.services.orm);
  await server.close();
});

const stockUp = (sku: string, name: string, priceCents: number, onHand: number) =>
  admin.inventory.upsert.mutate({ sku, name, priceCents, onHand });
const stock = (sku: string) => createTestClient(server.url).products.get.query({ sku });
const order = (sku: string, quantity: number) =>
  customer.orders.create.mutate({ items: [{ sku, quantity }] });

describe('orders of products the instance has read before', () => {
  it('are priced from the catalogue as it is now when a product changed since', async () => {
    await stockUp('MEMO-01', 'Pad', 300, 9);
    expect(await order('MEMO-01', 1)).toMatchObject({ totalCents: 300 });
    expect(server.services.catalogue.recall(['MEMO-01'])).toMatchObject([{ priceCents: 300 }]);

    await stockUp('MEMO-01', 'Ruled pad', 350, 9);
    const repriced = await order('MEMO-01', 2);
    expect(repriced).toMatchObject({
      totalCents: 700,
      lines: [{ sku: 'MEMO-01', name: 'Ruled pad', quantity: 2, unitPriceCents: 350 }],
    });
    expect(server.services.catalogue.recall(['MEMO-01'])).toMatchObject([{ priceCents: 350 }]);
    expect(await stock('MEMO-01')).toMatchObject({ onHand: 9, reserved: 3 });
  });

  it('are refused when short, with what is available, and write nothing', async () => {
    await stockUp('MEMO-02', 'Pen', 120, 2);
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
    await stockUp('MEMO-03', 'Ink', 80, 5);
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

  it('are placed without reading the catalogue again, unless the order carries a key', async () => {
    await stockUp('MEMO-04', 'Clip', 40, 9);
    const statements: string[] = [];
    const deps = {
      db: recording(server.services.db, statements),
      now: new Date(),
      orderTtlMs: 60_000,
      catalogue: createCatalogueMemory(),
    };
    const catalogueReads = () => statements.filter((s) => s.includes('from products')).length;
    const place = (idempotencyKey?: string) =>
      placeOrderForUser(deps, {
        userId: customerId,
        items: [{ sku: 'MEMO-04', quantity: 1 }],
        idempotencyKey,
      });

    expect((await place()).ok).toBe(true);
    expect(catalogueReads()).toBe(1);
    expect((await place()).ok).toBe(true);
    expect(catalogueReads()).toBe(1);
    expect((await place('memo-key')).ok).toBe(true);
    expect(catalogueReads()).toBe(2);
    expect(await stock('MEMO-04')).toMatchObject({ reserved: 3 });
  });
});

/** The database, with the text of every statement sent through it appended to `log`. */
function recording(db: Database, log: string[]): Database {
  const record = (sql: Sql): Sql => ({
    execute<T>(text: string, params?: readonly unknown[], method?: 'all' | 'run') {
      log.push(text);
      return sql.execute<T>(text, params, method);
    },
  });
  return {
    ...record(db),
    transaction: (work, options) =>
      db.transaction((tx) => work({ ...record(tx), commit: () => tx.commit() }), options),
    em: () => db.em(),
  };
}
