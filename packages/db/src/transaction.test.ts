import { err, ok } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, insertTestProducts } from './testing/order-fixtures.js';
import { createMigratedTestDatabase } from './testing/test-db.js';
import { runInTransaction } from './transaction.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const touch = "update products set name = 'touched' where sku = 'TX-1'";
const nameOf = async () =>
  (
    await db.orm.em
      .fork()
      .execute<{ name: string }[]>("select name from products where sku = 'TX-1'")
  )[0]?.name;

describe('runInTransaction', () => {
  it('commits when the work returns ok', async () => {
    await insertTestProducts(db.orm, [{ sku: 'TX-1', onHand: 1 }]);
    const result = await runInTransaction(db.orm.em.fork(), async (em) => {
      await em.execute(touch);
      return ok(42);
    });
    expect(result).toEqual({ ok: true, value: 42 });
    expect(await nameOf()).toBe('touched');
  });

  it('rolls back and returns the error when the work returns err', async () => {
    await db.orm.em.fork().execute("update products set name = 'before' where sku = 'TX-1'");
    const movements = await countRows(db.orm, 'stock_movements');
    const result = await runInTransaction(db.orm.em.fork(), async (em) => {
      await em.execute(touch);
      return err('nope' as const);
    });
    expect(result).toEqual({ ok: false, error: 'nope' });
    expect(await nameOf()).toBe('before');
    expect(await countRows(db.orm, 'stock_movements')).toBe(movements);
  });

  it('rolls back and rethrows when the work throws', async () => {
    await expect(
      runInTransaction(db.orm.em.fork(), async (em) => {
        await em.execute(touch);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await nameOf()).toBe('before');
  });

  it('keeps an inner rollback to the inner call', async () => {
    const result = await runInTransaction(db.orm.em.fork(), async (em) => {
      const inner = await runInTransaction(em, () => Promise.resolve(err('inner' as const)));
      expect(inner).toEqual({ ok: false, error: 'inner' });
      await em.execute(touch);
      return ok('outer');
    });
    expect(result).toEqual({ ok: true, value: 'outer' });
    expect(await nameOf()).toBe('touched');
  });
});
