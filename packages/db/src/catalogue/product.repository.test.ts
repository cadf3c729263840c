import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStockDrift } from '../inventory/stock-audit.js';
import { countRows, insertTestUser, placeTestOrder, stockOf } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { adjustProductStock, upsertProduct } from './product-stock.repository.js';
import {
  countProducts,
  createProduct,
  findProductBySku,
  findProductsBySkus,
  listProducts,
} from './product.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

const by = { actor: 'user:admin', at: new Date('2026-01-01T00:00:00Z') };
const em = () => db.database;

describe('the product repository', () => {
  it('creates a product with its opening stock as one ADJUST movement', async () => {
    const created = await createProduct(em(), {
      sku: 'CREATE-1',
      name: 'A',
      priceCents: 1999,
      onHand: 7,
      ...by,
    });
    expect(created).toMatchObject({
      sku: 'CREATE-1',
      name: 'A',
      priceCents: 1999,
      currency: 'USD',
      onHand: 7,
      reserved: 0,
    });
    const movements = await em().execute(
      'select kind, on_hand_delta, reserved_delta, reason, actor from stock_movements where product_id = ?',
      [created?.productId],
    );
    expect(movements).toEqual([
      {
        kind: 'ADJUST',
        on_hand_delta: 7,
        reserved_delta: 0,
        reason: 'created',
        actor: 'user:admin',
      },
    ]);
  });

  it('answers null instead of creating a SKU twice', async () => {
    await createProduct(em(), { sku: 'TWICE-1', name: 'A', priceCents: 1, onHand: 1, ...by });
    expect(
      await createProduct(em(), { sku: 'TWICE-1', name: 'B', priceCents: 2, onHand: 2, ...by }),
    ).toBeNull();
    expect((await findProductBySku(em(), 'TWICE-1'))?.name).toBe('A');
  });

  it('lists the catalogue in SKU order and finds products by SKU', async () => {
    await createProduct(em(), { sku: 'LIST-B', name: 'B', priceCents: 1, onHand: 0, ...by });
    await createProduct(em(), { sku: 'LIST-A', name: 'A', priceCents: 1, onHand: 0, ...by });
    const skus = (await listProducts(em())).map((p) => p.sku);
    expect(skus).toEqual([...skus].sort());
    expect(
      (await findProductsBySkus(em(), ['LIST-B', 'LIST-A', 'NOPE'])).map((p) => p.sku),
    ).toEqual(['LIST-A', 'LIST-B']);
    expect(await findProductsBySkus(em(), [])).toEqual([]);
    expect(await findProductBySku(em(), 'NOPE')).toBeNull();
    expect(await countProducts(em())).toBeGreaterThanOrEqual(2);
  });
});

describe('upsertProduct', () => {
  it('creates a new product when given a name and a price', async () => {
    const result = await upsertProduct(em(), {
      sku: 'UP-1',
      name: 'Up',
      priceCents: 500,
      onHand: 10,
      ...by,
    });
    expect(result).toMatchObject({ ok: true, value: { sku: 'UP-1', onHand: 10, priceCents: 500 } });
  });

  it('refuses to create a product without a name and a price', async () => {
    const result = await upsertProduct(em(), { sku: 'UP-NEW', onHand: 10, ...by });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVENTORY.PRODUCT_NOT_FOUND', sku: 'UP-NEW' },
    });
  });

  it('sets the stock of an existing product and records the difference', async () => {
    await upsertProduct(em(), { sku: 'UP-2', name: 'Up', priceCents: 500, onHand: 10, ...by });
    const result = await upsertProduct(em(), { sku: 'UP-2', onHand: 4, priceCents: 650, ...by });
    expect(result).toMatchObject({ ok: true, value: { onHand: 4, priceCents: 650, name: 'Up' } });
    const deltas = await em().execute(
      `select m.on_hand_delta as d from stock_movements m join products p on p.id = m.product_id
        where p.sku = 'UP-2' order by m.id`,
    );
    expect(deltas).toEqual([{ d: 10 }, { d: -6 }]);
  });

  it('never sets the stock below what is reserved', async () => {
    await upsertProduct(em(), { sku: 'UP-3', name: 'Up', priceCents: 5, onHand: 10, ...by });
    await placeTestOrder(db.orm, await insertTestUser(db.orm), [{ sku: 'UP-3', quantity: 6 }]);
    const result = await upsertProduct(em(), { sku: 'UP-3', onHand: 5, ...by });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVENTORY.BELOW_RESERVED',
        sku: 'UP-3',
        onHand: 10,
        reserved: 6,
        requestedOnHand: 5,
      },
    });
    expect(await stockOf(db.orm, 'UP-3')).toEqual({ onHand: 10, reserved: 6 });
    expect(await upsertProduct(em(), { sku: 'UP-3', onHand: 6, ...by })).toMatchObject({
      ok: true,
    });
  });
});

describe('adjustProductStock', () => {
  it('adds and removes stock with one ADJUST movement each', async () => {
    await createProduct(em(), { sku: 'ADJ-1', name: 'A', priceCents: 1, onHand: 10, ...by });
    expect(
      await adjustProductStock(em(), { sku: 'ADJ-1', delta: 5, reason: 'delivery', ...by }),
    ).toMatchObject({
      ok: true,
      value: { onHand: 15 },
    });
    expect(
      await adjustProductStock(em(), { sku: 'ADJ-1', delta: -15, reason: 'breakage', ...by }),
    ).toMatchObject({
      ok: true,
      value: { onHand: 0 },
    });
  });

  it('refuses to go below what is reserved, and writes nothing', async () => {
    await createProduct(em(), { sku: 'ADJ-2', name: 'A', priceCents: 1, onHand: 10, ...by });
    await placeTestOrder(db.orm, await insertTestUser(db.orm), [{ sku: 'ADJ-2', quantity: 8 }]);
    const before = await countRows(db.orm, 'stock_movements');
    const result = await adjustProductStock(em(), {
      sku: 'ADJ-2',
      delta: -3,
      reason: 'count',
      ...by,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVENTORY.BELOW_RESERVED',
        sku: 'ADJ-2',
        onHand: 10,
        reserved: 8,
        requestedOnHand: 7,
      },
    });
    expect(await countRows(db.orm, 'stock_movements')).toBe(before);
  });

  it('says which SKU does not exist', async () => {
    expect(await adjustProductStock(em(), { sku: 'GHOST', delta: 1, reason: 'r', ...by })).toEqual({
      ok: false,
      error: { code: 'INVENTORY.PRODUCT_NOT_FOUND', sku: 'GHOST' },
    });
  });

  it('refuses a count the on_hand column cannot hold instead of failing in the driver', async () => {
    await createProduct(em(), {
      sku: 'ADJ-BIG',
      name: 'A',
      priceCents: 1,
      onHand: 2_000_000_000,
      ...by,
    });
    expect(
      await adjustProductStock(em(), { sku: 'ADJ-BIG', delta: 200_000_000, reason: 'r', ...by }),
    ).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INVALID_QUANTITY', sku: 'ADJ-BIG', quantity: 200_000_000 },
    });
  });

  it('refuses a zero or fractional delta, and a negative stock, before writing anything', async () => {
    await createProduct(em(), { sku: 'ADJ-0', name: 'A', priceCents: 1, onHand: 1, ...by });
    for (const delta of [0, 0.5]) {
      expect(await adjustProductStock(em(), { sku: 'ADJ-0', delta, reason: 'r', ...by })).toEqual({
        ok: false,
        error: { code: 'INVENTORY.INVALID_QUANTITY', sku: 'ADJ-0', quantity: delta },
      });
    }
    expect(
      await upsertProduct(em(), { sku: 'ADJ-NEG', name: 'N', priceCents: 1, onHand: -1, ...by }),
    ).toEqual({
      ok: false,
      error: { code: 'INVENTORY.INVALID_QUANTITY', sku: 'ADJ-NEG', quantity: -1 },
    });
    expect(await findProductBySku(em(), 'ADJ-NEG')).toBeNull();
  });
});
