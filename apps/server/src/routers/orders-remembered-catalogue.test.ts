import type { Database } from '@orders/db';
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
import { createCatalogueMemory, type CatalogueMemory } from '../fast-paths/catalogue-memory.js';
import { placeOrderForUser } from '../use-cases/place-order.js';
import { testMetrics } from '../testing/test-metrics.js';

// An instance remembers the products it has read and prices later orders of them from memory;
// whatever changed since must still decide the order (DESIGN §2: prices come from the catalogue).
let server: TestServer;
let admin: TestClient;
let customer: TestClient;
let customerId: string;
let memory: CatalogueMemory;
beforeAll(async () => {
  server = await startTestServer();
  admin = await logInAdmin(server.url);
  ({ client: customer, userId: customerId } = await signUpCustomer(
    server.url,
    'memory@example.com',
  ));
  const { catalogue } = server.services;
  if (catalogue === null) throw new Error('the catalogue memory is on by default');
  memory = catalogue;
});
afterAll(async () => {
  await expectStockConsistent(server.services.db);
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
    expect(memory.recall(['MEMO-01'])).toMatchObject([{ priceCents: 300 }]);

    await stockUp('MEMO-01', 'Ruled pad', 350, 9);
    const repriced = await order('MEMO-01', 2);
    expect(repriced).toMatchObject({
      totalCents: 700,
      lines: [{ sku: 'MEMO-01', name: 'Ruled pad', quantity: 2, unitPriceCents: 350 }],
    });
    expect(memory.recall(['MEMO-01'])).toMatchObject([{ priceCents: 350 }]);
    expect(await stock('MEMO-01')).toMatchObject({ onHand: 9, reserved: 3 });
  });

  it('are refused when short, with what is available, and write nothing', async () => {
    await stockUp('MEMO-02', 'Pen', 120, 2);
    await order('MEMO-02', 1);
    expect(memory.recall(['MEMO-02'])).toBeDefined();
    const rows = await countOrderRows(server.services.db);

    const error = await failure(order('MEMO-02', 2));
    expect(error.data).toMatchObject({
      domainCode: 'INVENTORY.INSUFFICIENT_STOCK',
      details: { sku: 'MEMO-02', requested: 2, available: 1 },
    });
    expect(await countOrderRows(server.services.db)).toEqual(rows);
    expect(await stock('MEMO-02')).toMatchObject({ onHand: 2, reserved: 1 });
  });

  it('that also name a product not read yet are priced from a fresh read of both', async () => {
    await stockUp('MEMO-03', 'Ink', 80, 5);
    expect(memory.recall(['MEMO-01', 'MEMO-03'])).toBeUndefined();
    const placed = await customer.orders.create.mutate({
      items: [
        { sku: 'MEMO-01', quantity: 1 },
        { sku: 'MEMO-03', quantity: 1 },
      ],
    });
    expect(placed.totalCents).toBe(350 + 80);
    expect(memory.recall(['MEMO-01', 'MEMO-03'])).toHaveLength(2);
  });

  it('are placed without reading the catalogue again, unless the order carries a key', async () => {
    await stockUp('MEMO-04', 'Clip', 40, 9);
    const { place, catalogueReads } = placing('MEMO-04', createCatalogueMemory());

    expect((await place(1)).ok).toBe(true);
    expect(catalogueReads()).toBe(1);
    expect((await place(1)).ok).toBe(true);
    expect(catalogueReads()).toBe(1);
    expect((await place(1, 'memo-key')).ok).toBe(true);
    expect(catalogueReads()).toBe(2);
    expect(await stock('MEMO-04')).toMatchObject({ reserved: 3 });
  });

  it('are told apart: a changed price sends the order to a fresh read, a shortage is answered at once', async () => {
    await stockUp('MEMO-05', 'Tape', 60, 3);
    const { place, catalogueReads } = placing('MEMO-05', createCatalogueMemory());
    expect((await place(1)).ok).toBe(true);
    expect(catalogueReads()).toBe(1);

    // Short, prices as remembered: INSUFFICIENT_STOCK from the fast path itself.
    expect(await place(5)).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY.INSUFFICIENT_STOCK', requested: 5, available: 2 },
    });
    expect(catalogueReads()).toBe(1);

    // Repriced, stock there: refused as repriced, then placed from a fresh read at the new price.
    await stockUp('MEMO-05', 'Tape', 65, 3);
    expect(await place(1)).toMatchObject({ ok: true, value: { total: { amountCents: 65 } } });
    expect(catalogueReads()).toBe(2);
  });

  it('are always read when the catalogue memory is switched off', async () => {
    await stockUp('MEMO-06', 'Glue', 90, 5);
    const { place, catalogueReads } = placing('MEMO-06', null);
    expect((await place(1)).ok).toBe(true);
    expect((await place(1)).ok).toBe(true);
    expect(catalogueReads()).toBe(2);
  });
});

/** The place-order use case on one SKU, counting the catalogue reads it sends. */
function placing(sku: string, catalogue: CatalogueMemory | null) {
  const statements: string[] = [];
  const deps = {
    db: recording(server.services.db, statements),
    now: new Date(),
    orderTtlMs: 60_000,
    catalogue,
    metrics: testMetrics(),
  };
  return {
    place: (quantity: number, idempotencyKey?: string) =>
      placeOrderForUser(deps, { userId: customerId, items: [{ sku, quantity }], idempotencyKey }),
    catalogueReads: () => statements.filter((s) => s.startsWith('select * from products')).length,
  };
}

/** The database, with the text of every statement sent through it appended to `log`. */
function recording(db: Database, log: string[]): Database {
  return {
    ...db,
    execute(text, params, method) {
      log.push(text);
      return db.execute(text, params, method);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          execute(text, params, method) {
            log.push(text);
            return tx.execute(text, params, method);
          },
          run(statements) {
            log.push(...statements.map((s) => s.sql));
            return tx.run(statements);
          },
          commitWith(statements) {
            log.push(...statements.map((s) => s.sql));
            return tx.commitWith(statements);
          },
        }),
      ),
  };
}
