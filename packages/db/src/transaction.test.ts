import { err, ok } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, insertTestProducts } from './testing/order-fixtures.js';
import { createMigratedTestDatabase } from './testing/test-db.js';
import { classifyDbError } from './db-errors.js';
import { positional } from './database.js';
import { inSnapshot } from './snapshot.js';
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
  (await db.database.execute<{ name: string }[]>("select name from products where sku = 'TX-1'"))[0]
    ?.name;

describe('runInTransaction', () => {
  it('commits when the work returns ok', async () => {
    await insertTestProducts(db.orm, [{ sku: 'TX-1', onHand: 1 }]);
    const result = await runInTransaction(db.database, async (em) => {
      await em.execute(touch);
      return ok(42);
    });
    expect(result).toEqual({ ok: true, value: 42 });
    expect(await nameOf()).toBe('touched');
  });

  it('rolls back and returns the error when the work returns err', async () => {
    await db.database.execute("update products set name = 'before' where sku = 'TX-1'");
    const movements = await countRows(db.orm, 'stock_movements');
    const result = await runInTransaction(db.database, async (em) => {
      await em.execute(touch);
      return err('nope' as const);
    });
    expect(result).toEqual({ ok: false, error: 'nope' });
    expect(await nameOf()).toBe('before');
    expect(await countRows(db.orm, 'stock_movements')).toBe(movements);
  });

  it('commits with the last statements when the work sends COMMIT itself', async () => {
    await db.database.execute("update products set name = 'before' where sku = 'TX-1'");
    const result = await runInTransaction(db.database, async (tx) => {
      await Promise.all([tx.execute(touch), tx.commit()]);
      return ok('sent');
    });
    expect(result).toEqual({ ok: true, value: 'sent' });
    expect(await nameOf()).toBe('touched');
  });

  it('rolls back, and says why, when a statement sent with COMMIT fails', async () => {
    await db.database.execute("update products set name = 'before' where sku = 'TX-1'");
    const failing = runInTransaction(db.database, async (tx) => {
      await Promise.all([
        tx.execute(touch),
        tx.execute('update products set on_hand = -1 where sku = ?', ['TX-1']),
        tx.commit(),
      ]);
      return ok('sent');
    });
    await expect(failing).rejects.toSatisfy((error) => classifyDbError(error).kind === 'check');
    expect(await nameOf()).toBe('before');
  });

  it('refuses a statement issued after COMMIT was sent, which would run on its own', async () => {
    await db.database.execute("update products set name = 'before' where sku = 'TX-1'");
    const late = db.database.transaction(async (tx) => {
      const committed = tx.commit();
      await tx.execute(touch);
      await committed;
    });
    await expect(late).rejects.toThrow('a statement after COMMIT');
    expect(await nameOf()).toBe('before');
  });

  it('rolls back and rethrows when the work throws', async () => {
    await expect(
      runInTransaction(db.database, async (em) => {
        await em.execute(touch);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await nameOf()).toBe('before');
  });

  it('hands database errors over as the ORM exceptions the rest of the code classifies', async () => {
    const duplicate = runInTransaction(db.database, async (em) => {
      await em.execute(
        "insert into products (id, sku, name, price_cents, on_hand) select gen_random_uuid(), sku, name, price_cents, 0 from products where sku = 'TX-1'",
      );
      return ok(undefined);
    });
    const error: unknown = await duplicate.catch((e: unknown) => e);
    expect(classifyDbError(error)).toEqual({ kind: 'unique', constraint: 'products_sku_unique' });
  });

  it('reads a snapshot that refuses writes', async () => {
    await expect(inSnapshot(db.database, (em) => em.execute(touch))).rejects.toThrow(
      /read-only transaction/,
    );
    const rows = await inSnapshot(db.database, (em) =>
      em.execute<{ name: string }[]>("select name from products where sku = 'TX-1'"),
    );
    expect(rows).toEqual([{ name: 'before' }]);
  });
});

describe('positional', () => {
  it('numbers the placeholders, leaving quoted question marks alone', () => {
    expect(positional(`select ?, '?', "a?b", ? from t where x = ?`)).toBe(
      `select $1, '?', "a?b", $2 from t where x = $3`,
    );
  });
});
