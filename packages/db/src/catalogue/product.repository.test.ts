import { randomUUID } from 'node:crypto';
import {
  asProductId,
  asSku,
  decideAdjustment,
  decideUpsert,
  err,
  ok,
  type ProductChangeError,
  type Result,
  type UpsertPlan,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbError } from '../db-errors.js';
import { findStockDrift } from '../inventory/stock-audit.js';
import { countRows, insertTestUser, placeTestOrder, stockOf } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
  adjustmentStatements,
  countProducts,
  findProductBySku,
  findProductsBySkus,
  findCatalogueProduct,
  listCatalogue,
  lockProduct,
  upsertStatements,
  type ProductExists,
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

// Two transactions open at once need a real server: PGlite runs one at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);
const context = { orderId: null, actor: 'user:admin', at: new Date('2026-01-01T00:00:00Z') };

interface UpsertInput {
  sku: string;
  name?: string;
  priceCents?: number;
  onHand: number;
}

/** Core's upsert plan, decided on `existing` (null: the SKU is new). */
function planUpsert(existing: Parameters<typeof decideUpsert>[0], input: UpsertInput): UpsertPlan {
  const plan = decideUpsert(
    existing,
    { ...input, sku: asSku(input.sku) },
    asProductId(randomUUID()),
  );
  if (!plan.ok) throw new Error(`upsert refused: ${plan.error.code}`);
  return plan.value;
}

/** The product locked, core deciding on it, its statements committed: one transaction. */
function upsert(input: UpsertInput) {
  type Upserted = Result<void, ProductChangeError | ProductExists>;
  return db.database.transaction(async (tx): Promise<Upserted> => {
    const existing = await lockProduct(tx, input.sku);
    const plan = decideUpsert(
      existing,
      { ...input, sku: asSku(input.sku) },
      asProductId(randomUUID()),
    );
    if (!plan.ok) return plan;
    return tx.commitWith(upsertStatements(plan.value, context));
  });
}

/** Likewise for a relative change of the on-hand count. */
function adjust(
  sku: string,
  delta: number,
  reason: string,
): Promise<Result<void, ProductChangeError>> {
  return db.database.transaction(async (tx) => {
    const plan = decideAdjustment(await lockProduct(tx, sku), { sku: asSku(sku), delta, reason });
    if (!plan.ok) return plan;
    return tx.commitWith(adjustmentStatements(plan.value, context));
  });
}

function movementsOf(sku: string) {
  return db.database.execute(
    `select m.kind, m.on_hand_delta, m.reserved_delta, m.reason, m.actor
       from stock_movements m join products p on p.id = m.product_id
      where p.sku = ? order by m.id`,
    [sku],
  );
}

describe('upsertStatements', () => {
  it('creates a product with its opening stock as one ADJUST movement', async () => {
    expect(await upsert({ sku: 'CREATE-1', name: 'A', priceCents: 1999, onHand: 7 })).toEqual(
      ok(undefined),
    );
    expect(await findProductBySku(db.database, 'CREATE-1')).toMatchObject({
      sku: 'CREATE-1',
      name: 'A',
      priceCents: 1999,
      currency: 'USD',
      onHand: 7,
      reserved: 0,
      createdAt: context.at,
    });
    expect(await movementsOf('CREATE-1')).toEqual([
      {
        kind: 'ADJUST',
        on_hand_delta: 7,
        reserved_delta: 0,
        reason: 'created',
        actor: 'user:admin',
      },
    ]);
  });

  it('creates a product with no stock without a movement', async () => {
    expect(await upsert({ sku: 'CREATE-0', name: 'Z', priceCents: 5, onHand: 0 })).toEqual(
      ok(undefined),
    );
    expect(await stockOf(db.database, 'CREATE-0')).toEqual({ onHand: 0, reserved: 0 });
    expect(await movementsOf('CREATE-0')).toEqual([]);
  });

  it('refuses the second of two creations of one SKU as exists, leaving the first and no movement of the second', async () => {
    // Both admins found no row to lock, so both plans create.
    const first = planUpsert(null, { sku: 'RACE-NEW', name: 'First', priceCents: 1, onHand: 3 });
    const second = planUpsert(null, { sku: 'RACE-NEW', name: 'Second', priceCents: 2, onHand: 9 });
    const results = await Promise.all(
      [first, second].map((plan) =>
        db.database.transaction((tx) => tx.commitWith(upsertStatements(plan, context))),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([err({ kind: 'exists' })]);
    const winner = results[0]?.ok === true ? 'First' : 'Second';
    const product = await findProductBySku(db.database, 'RACE-NEW');
    expect(product?.name).toBe(winner);
    expect(await movementsOf('RACE-NEW')).toEqual([
      expect.objectContaining({ on_hand_delta: winner === 'First' ? 3 : 9 }),
    ]);
    // The refused admin decides again, on the row the first created: an update.
    expect(await upsert({ sku: 'RACE-NEW', onHand: 4 })).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'RACE-NEW')).toEqual({ onHand: 4, reserved: 0 });
  });

  it('updates the product under its lock: the count, the price when given, and the difference as a movement', async () => {
    await upsert({ sku: 'UP-2', name: 'Up', priceCents: 500, onHand: 10 });
    expect(await upsert({ sku: 'UP-2', onHand: 4, priceCents: 650 })).toEqual(ok(undefined));
    expect(await findProductBySku(db.database, 'UP-2')).toMatchObject({
      onHand: 4,
      priceCents: 650,
      name: 'Up',
    });
    const deltas = await movementsOf('UP-2');
    expect(deltas.map((m) => m.on_hand_delta)).toEqual([10, -6]);
    expect(deltas[1]).toMatchObject({
      kind: 'ADJUST',
      reason: 'set by admin',
      actor: 'user:admin',
    });
  });

  it('renames without a movement when the count stays', async () => {
    await upsert({ sku: 'UP-3', name: 'Old', priceCents: 500, onHand: 10 });
    expect(await upsert({ sku: 'UP-3', name: 'New', onHand: 10 })).toEqual(ok(undefined));
    expect(await findProductBySku(db.database, 'UP-3')).toMatchObject({
      name: 'New',
      priceCents: 500,
      onHand: 10,
    });
    expect(await movementsOf('UP-3')).toHaveLength(1);
  });

  it('reads the reservation on the locked row, so core refuses a count below it and nothing is written', async () => {
    await upsert({ sku: 'UP-4', name: 'Up', priceCents: 5, onHand: 10 });
    await placeTestOrder(db.database, await insertTestUser(db.orm), [{ sku: 'UP-4', quantity: 6 }]);
    const before = await countRows(db.database, 'stock_movements');
    expect(await upsert({ sku: 'UP-4', onHand: 5 })).toEqual(
      err({
        code: 'INVENTORY.BELOW_RESERVED',
        sku: 'UP-4',
        onHand: 10,
        reserved: 6,
        requestedOnHand: 5,
      }),
    );
    expect(await stockOf(db.database, 'UP-4')).toEqual({ onHand: 10, reserved: 6 });
    expect(await countRows(db.database, 'stock_movements')).toBe(before);
    expect(await upsert({ sku: 'UP-4', onHand: 6 })).toEqual(ok(undefined));
  });

  it('cannot store a count below what is reserved even from a stale plan: the CHECK throws', async () => {
    await upsert({ sku: 'UP-5', name: 'Up', priceCents: 5, onHand: 10 });
    const unlocked = await findProductBySku(db.database, 'UP-5');
    const stale = planUpsert(unlocked, { sku: 'UP-5', onHand: 5 });
    await placeTestOrder(db.database, await insertTestUser(db.orm), [{ sku: 'UP-5', quantity: 6 }]);
    const failing = db.database.transaction((tx) =>
      tx.commitWith(upsertStatements(stale, context)),
    );
    const error = await failing.catch((reason: unknown) => reason);
    expect(classifyDbError(error)).toEqual({
      kind: 'check',
      constraint: 'products_reserved_within_on_hand',
    });
    expect(await stockOf(db.database, 'UP-5')).toEqual({ onHand: 10, reserved: 6 });
  });

  it('throws, as a bug, when the product to update is gone', async () => {
    await upsert({ sku: 'UP-6', name: 'Up', priceCents: 5, onHand: 1 });
    const plan = planUpsert(await findProductBySku(db.database, 'UP-6'), {
      sku: 'UP-6',
      onHand: 2,
    });
    const ghost = { ...plan, productId: asProductId(randomUUID()) };
    const failing = db.database.transaction((tx) =>
      tx.commitWith(upsertStatements(ghost, context)),
    );
    const error = await failing.catch((reason: unknown) => reason);
    expect(classifyDbError(error)).toEqual({ kind: 'assertion' });
  });
});

describe('adjustmentStatements', () => {
  it('adds and removes stock with one ADJUST movement each', async () => {
    await upsert({ sku: 'ADJ-1', name: 'A', priceCents: 1, onHand: 10 });
    expect(await adjust('ADJ-1', 5, 'delivery')).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'ADJ-1')).toEqual({ onHand: 15, reserved: 0 });
    expect(await adjust('ADJ-1', -15, 'breakage')).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'ADJ-1')).toEqual({ onHand: 0, reserved: 0 });
    expect(await movementsOf('ADJ-1')).toEqual([
      expect.objectContaining({ on_hand_delta: 10, reason: 'created' }),
      {
        kind: 'ADJUST',
        on_hand_delta: 5,
        reserved_delta: 0,
        reason: 'delivery',
        actor: 'user:admin',
      },
      expect.objectContaining({ kind: 'ADJUST', on_hand_delta: -15, reason: 'breakage' }),
    ]);
  });

  it('leaves everything as it was when core refuses an adjustment below what is reserved', async () => {
    await upsert({ sku: 'ADJ-2', name: 'A', priceCents: 1, onHand: 10 });
    await placeTestOrder(db.database, await insertTestUser(db.orm), [
      { sku: 'ADJ-2', quantity: 8 },
    ]);
    const before = await countRows(db.database, 'stock_movements');
    expect(await adjust('ADJ-2', -3, 'count')).toEqual(
      err({
        code: 'INVENTORY.BELOW_RESERVED',
        sku: 'ADJ-2',
        onHand: 10,
        reserved: 8,
        requestedOnHand: 7,
      }),
    );
    expect(await countRows(db.database, 'stock_movements')).toBe(before);
    expect(await stockOf(db.database, 'ADJ-2')).toEqual({ onHand: 10, reserved: 8 });
  });

  it('finds no row to lock for a SKU that does not exist', async () => {
    expect(await adjust('GHOST', 1, 'r')).toEqual(
      err({ code: 'INVENTORY.PRODUCT_NOT_FOUND', sku: 'GHOST' }),
    );
  });

  it('holds the column’s whole range, which is what core lets through', async () => {
    await upsert({ sku: 'ADJ-BIG', name: 'A', priceCents: 1, onHand: 2_000_000_000 });
    expect(await adjust('ADJ-BIG', 147_483_647, 'r')).toEqual(ok(undefined));
    expect(await stockOf(db.database, 'ADJ-BIG')).toEqual({ onHand: 2_147_483_647, reserved: 0 });
    expect(await adjust('ADJ-BIG', 1, 'r')).toEqual(
      err({ code: 'INVENTORY.INVALID_QUANTITY', sku: 'ADJ-BIG', quantity: 1 }),
    );
  });
});

describe('the catalogue reads', () => {
  it('lists the catalogue in SKU order through the ORM, as the SQL reads see it', async () => {
    await upsert({ sku: 'LIST-B', name: 'B', priceCents: 1999, onHand: 3 });
    await upsert({ sku: 'LIST-A', name: 'A', priceCents: 1, onHand: 0 });
    const listed = await listCatalogue(db.orm.em.fork());
    const skus = listed.map((p) => p.sku);
    expect(skus).toEqual([...skus].sort());
    expect(skus).toEqual(expect.arrayContaining(['LIST-A', 'LIST-B']));
    // The ORM's mapping and the SQL rows' mapping give the same records.
    expect(listed).toEqual(await findProductsBySkus(db.database, skus));
    expect(await countProducts(db.database)).toBe(skus.length);
    expect(
      (await findProductsBySkus(db.database, ['LIST-B', 'LIST-A', 'NOPE'])).map((p) => p.sku),
    ).toEqual(['LIST-A', 'LIST-B']);
    expect(await findProductsBySkus(db.database, [])).toEqual([]);
  });

  it('finds one product by SKU through the ORM or SQL alike, and null for an unknown SKU', async () => {
    await upsert({ sku: 'FIND-1', name: 'F', priceCents: 250, onHand: 2 });
    const viaOrm = await findCatalogueProduct(db.orm.em.fork(), 'FIND-1');
    expect(viaOrm).toMatchObject({ sku: 'FIND-1', name: 'F', priceCents: 250, onHand: 2 });
    expect(viaOrm).toEqual(await findProductBySku(db.database, 'FIND-1'));
    expect(await findCatalogueProduct(db.orm.em.fork(), 'NOPE')).toBeNull();
    expect(await findProductBySku(db.database, 'NOPE')).toBeNull();
  });

  it('finds no row to lock for an unknown SKU', async () => {
    const ghost = await db.database.transaction(async (tx) => ok(await lockProduct(tx, 'NOPE')));
    expect(ghost).toEqual(ok(null));
  });

  it.runIf(onServer)('locks a product until the transaction ends', async () => {
    await upsert({ sku: 'LOCK-1', name: 'L', priceCents: 1, onHand: 1 });
    const outcome = await db.database.transaction(async (tx) => {
      const product = await lockProduct(tx, 'LOCK-1');
      // Another transaction cannot take the row meanwhile.
      const other = await db.database
        .transaction(async (second) => {
          await second.execute("set local lock_timeout = '100ms'");
          return ok(await lockProduct(second, 'LOCK-1'));
        })
        .catch((reason: unknown) => classifyDbError(reason));
      return ok({ product, other });
    });
    expect(outcome).toMatchObject(
      ok({ product: { sku: 'LOCK-1' }, other: { kind: 'transient', reason: 'lock-timeout' } }),
    );
  });
});
