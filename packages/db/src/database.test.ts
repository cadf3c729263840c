import { err, ok } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestProducts } from './testing/order-fixtures.js';
import { createMigratedTestDatabase } from './testing/test-db.js';
import { classifyDbError } from './db-errors.js';
import { createDatabase, hasSessionPerConnection, positional } from './database.js';
import { guarded, guardedFor, statement } from './statement.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.database, [{ sku: 'TX-1', onHand: 1 }]);
});
afterAll(async () => {
  await db.dispose();
});

// Two transactions open at once need a real server: PGlite runs one transaction at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);

const TOUCH = "update products set name = 'touched' where sku = 'TX-1'";
const touch = statement(TOUCH);
/** A plain statement that fails: a CHECK (products_on_hand_nonnegative) refuses it. */
const negativeStock = statement("update products set on_hand = -1 where sku = 'TX-1'");
/** A guarded statement that holds, and one that is refused with `refusal`. */
const holds = <R>(refusal: R) => guarded('select orders_assert(true, ?)', ['holds'], refusal);
const refused = <R>(refusal: R) => guarded('select orders_assert(false, ?)', ['refused'], refusal);

const nameOf = async () =>
  (await db.database.execute<{ name: string }[]>("select name from products where sku = 'TX-1'"))[0]
    ?.name;
const reset = () => db.database.execute("update products set name = 'before' where sku = 'TX-1'");
const failureOf = (pending: Promise<unknown>): Promise<unknown> =>
  pending.then(
    () => undefined,
    (reason: unknown) => reason,
  );

describe('a transaction', () => {
  it('commits when the work returns ok, and returns the ok', async () => {
    await reset();
    const result = await db.database.transaction(async (tx) => {
      await tx.execute(TOUCH);
      return ok(42);
    });
    expect(result).toEqual(ok(42));
    expect(await nameOf()).toBe('touched');
  });

  it('rolls back and returns the err as is when the work returns err', async () => {
    await reset();
    const result = await db.database.transaction(async (tx) => {
      await tx.execute(TOUCH);
      return err('nope' as const);
    });
    expect(result).toEqual(err('nope'));
    expect(await nameOf()).toBe('before');
  });

  it('rolls back and rethrows when the work throws', async () => {
    await reset();
    const boom = new Error('boom');
    const failing = db.database.transaction(async (tx) => {
      await tx.execute(TOUCH);
      throw boom;
    });
    await expect(failing).rejects.toBe(boom);
    expect(await nameOf()).toBe('before');
  });

  it('commits the statements and COMMIT in one go with commitWith: committed before the work returns', async () => {
    await reset();
    let seenOutside: string | undefined;
    const result = await db.database.transaction(async (tx) => {
      const committed = await tx.commitWith([touch]);
      // Another connection of the pool sees the change already: the transaction is over.
      seenOutside = await nameOf();
      return committed;
    });
    expect(result).toEqual(ok(undefined));
    expect(seenOutside).toBe('touched');
    expect(await nameOf()).toBe('touched');
  });

  it('returns the refusal of a guarded statement from commitWith and leaves nothing written, not even what was sent before it', async () => {
    await reset();
    const result = await db.database.transaction(async (tx) => {
      await tx.execute("update products set price_cents = 7 where sku = 'TX-1'");
      return tx.commitWith([touch, refused({ kind: 'nope' }), statement('select 1')]);
    });
    expect(result).toEqual(err({ kind: 'nope' }));
    expect(await nameOf()).toBe('before');
    const [row] = await db.database.execute<{ price_cents: string }[]>(
      "select price_cents from products where sku = 'TX-1'",
    );
    expect(row?.price_cents).toBe('100');
  });

  it('reports the first refusal in send order when several guarded statements fail', async () => {
    await reset();
    const result = await db.database.transaction((tx) =>
      tx.commitWith([
        touch,
        holds({ which: 'holds' }),
        refused({ which: 'first' }),
        refused({ which: 'second' }),
      ]),
    );
    expect(result).toEqual(err({ which: 'first' }));
    expect(await nameOf()).toBe('before');
  });

  it('throws the real cause, classified, when a plain statement fails in commitWith — not "transaction aborted", not a refusal', async () => {
    await reset();
    const failing = db.database.transaction((tx) =>
      tx.commitWith([touch, negativeStock, refused({ kind: 'after' }), statement('select 1')]),
    );
    const error = await failureOf(failing);
    expect(classifyDbError(error)).toEqual({
      kind: 'check',
      constraint: 'products_on_hand_nonnegative',
    });
    expect(await nameOf()).toBe('before');
  });

  it('throws the real cause, classified, when a plain statement fails in run', async () => {
    await reset();
    const failing = db.database.transaction(async (tx) => {
      const ran = await tx.run([touch, negativeStock, statement('select 1')]);
      return ran.ok ? ok('unreachable') : ran;
    });
    const error = await failureOf(failing);
    expect(classifyDbError(error)).toMatchObject({ kind: 'check' });
    expect(await nameOf()).toBe('before');
  });

  it('runs statements with run and goes on: they commit with the work’s ok', async () => {
    await reset();
    const result = await db.database.transaction(async (tx) => {
      const ran = await tx.run([touch, holds({ kind: 'holds' })]);
      if (!ran.ok) return ran;
      const [row] = await tx.execute<{ name: string }[]>(
        "select name from products where sku = 'TX-1'",
      );
      return ok(row?.name);
    });
    expect(result).toEqual(ok('touched'));
    expect(await nameOf()).toBe('touched');
  });

  it('rolls back when run returns a refusal and the work returns it', async () => {
    await reset();
    const result = await db.database.transaction(async (tx) => {
      const ran = await tx.run([touch, refused({ kind: 'refused' })]);
      expect(ran).toEqual(err({ kind: 'refused' }));
      // The transaction can only end now.
      await expect(tx.execute('select 1')).rejects.toThrow(
        'a statement after the transaction refused',
      );
      return ran;
    });
    expect(result).toEqual(err({ kind: 'refused' }));
    expect(await nameOf()).toBe('before');
  });

  it('throws when the work returns ok after commitWith was refused: it would claim a write that is not there', async () => {
    await reset();
    const lying = db.database.transaction(async (tx) => {
      await tx.commitWith([touch, refused({ kind: 'refused' })]);
      return ok('done');
    });
    await expect(lying).rejects.toThrow(
      'a work returned ok from a transaction that was rolled-back',
    );
    expect(await nameOf()).toBe('before');
  });

  it('throws when the work returns ok after run was refused', async () => {
    await reset();
    const lying = db.database.transaction(async (tx) => {
      await tx.run([touch, refused({ kind: 'refused' })]);
      return ok('done');
    });
    await expect(lying).rejects.toThrow('a work returned ok from a transaction that was refused');
    expect(await nameOf()).toBe('before');
  });

  it('throws when the work returns err after commitWith committed: the write is there', async () => {
    await reset();
    const lying = db.database.transaction(async (tx) => {
      await tx.commitWith([touch]);
      return err('not really');
    });
    await expect(lying).rejects.toThrow('a work returned err from a transaction it committed');
    expect(await nameOf()).toBe('touched');
  });

  it('refuses a statement issued after commitWith, which would run outside the transaction', async () => {
    await reset();
    const late = db.database.transaction(async (tx) => {
      const committed = await tx.commitWith([]);
      await tx.execute(TOUCH);
      return committed;
    });
    await expect(late).rejects.toThrow('a statement after the transaction committed');
    expect(await nameOf()).toBe('before');
  });

  it('hands database errors over classified, a unique violation with its constraint', async () => {
    const duplicate = db.database.transaction(async (tx) => {
      await tx.execute(
        "insert into products (id, sku, name, price_cents, on_hand) select gen_random_uuid(), sku, name, price_cents, 0 from products where sku = 'TX-1'",
      );
      return ok(undefined);
    });
    expect(classifyDbError(await failureOf(duplicate))).toEqual({
      kind: 'unique',
      constraint: 'products_sku_unique',
    });
  });
});

describe('a snapshot', () => {
  it('reads, and refuses writes', async () => {
    await reset();
    const writing = db.database.snapshot((tx) => tx.execute(TOUCH));
    await expect(writing).rejects.toThrow(/read-only transaction/);
    const rows = await db.database.snapshot((tx) =>
      tx.execute<{ name: string }[]>("select name from products where sku = 'TX-1'"),
    );
    expect(rows).toEqual([{ name: 'before' }]);
  });

  it.runIf(onServer)('sees one committed state across its reads', async () => {
    await reset();
    const [first, second] = await db.database.snapshot(async (tx) => {
      const read = async () =>
        (await tx.execute<{ name: string }[]>("select name from products where sku = 'TX-1'"))[0]
          ?.name;
      const before = await read();
      await db.database.execute(TOUCH); // commits on another connection meanwhile
      return [before, await read()];
    });
    expect([first, second]).toEqual(['before', 'before']);
    expect(await nameOf()).toBe('touched');
  });
});

describe('the pool', () => {
  it('answers the readiness ping, and false once closed or when nothing listens', async () => {
    const own = createDatabase({ url: db.url, poolMax: 1 });
    expect(await own.ping()).toBe(true);
    await own.close();
    expect(await own.ping()).toBe(false);
    const nowhere = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolMax: 1 });
    try {
      expect(await nowhere.ping()).toBe(false);
    } finally {
      await nowhere.close();
    }
  });

  it('prepares statements only where each connection has a session of its own: not on PGlite', async () => {
    expect(await hasSessionPerConnection(db.url)).toBe(db.kind === 'server');
  });

  it('counts its connections by state: in use inside a transaction, idle after', async () => {
    const own = createDatabase({ url: db.url, poolMax: 2 });
    try {
      const inside = await own.transaction(async (tx) => {
        await tx.execute('select 1');
        return ok(own.stats());
      });
      expect(inside).toEqual(ok({ used: 1, free: 0, pending: 0 }));
      expect(own.stats()).toEqual({ used: 0, free: 1, pending: 0 });
    } finally {
      await own.close();
    }
  });
});

describe('a lost connection', () => {
  it.skipIf(!onServer)(
    'fails the transaction whose session the server ended, crashes nothing, and the pool goes on',
    async () => {
      const lost = db.database.transaction(async (tx) => {
        const [me] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
        // Another session ends this one, as an administrator or a failover would.
        await db.database.execute('select pg_terminate_backend(?)', [me?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.execute(TOUCH);
        return ok('not reached');
      });
      const error: unknown = await lost.catch((e: unknown) => e);
      expect(classifyDbError(error).kind).toBe('connection');
      // An unheard 'error' event on the dead client would have ended this process by now.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await db.database.ping()).toBe(true);
      expect(await nameOf()).not.toBeUndefined();
    },
  );
});

describe('guarded', () => {
  it('refuses, as a bug, SQL that does not end with its orders_assert', () => {
    expect(() => guarded('update products set name = ?', ['x'], { kind: 'r' })).toThrow(
      'a guarded statement must end with orders_assert(<condition>, ?)',
    );
    expect(() =>
      guarded('select orders_assert(true, ?) from products limit 1', ['x'], { kind: 'r' }),
    ).toThrow(/must end with orders_assert/);
    expect(guarded('select orders_assert(true, ?)', ['x'], { kind: 'r' }).refusal?.('x')).toEqual({
      kind: 'r',
    });
  });
});

describe('guardedFor', () => {
  const twoWays = `select case when ? then orders_assert(false, 'short')
                   when ? then orders_assert(false, 'repriced') else true end`;
  const statementFor = (short: boolean, repriced: boolean) =>
    guardedFor(twoWays, [short, repriced], {
      short: { kind: 'short' },
      repriced: { kind: 'repriced' },
    });

  it('hands back the refusal named by the reason the statement failed with', async () => {
    for (const [short, repriced, expected] of [
      [true, false, err({ kind: 'short' })],
      [false, true, err({ kind: 'repriced' })],
      [false, false, ok(undefined)],
    ] as const) {
      const result = await db.database.transaction((tx) =>
        tx.commitWith([statementFor(short, repriced)]),
      );
      expect(result).toEqual(expected);
    }
  });

  it('throws, as a bug, a failure for a reason it was not given', async () => {
    const statement = guardedFor(
      "select case when ? then orders_assert(false, 'short') else orders_assert(false, 'other') end",
      [false],
      { short: { kind: 'short' } },
    );
    const failed: unknown = await db.database
      .transaction((tx) => tx.commitWith([statement]))
      .catch((error: unknown) => error);
    expect(classifyDbError(failed)).toEqual({ kind: 'assertion' });
  });

  it('refuses SQL that cannot fail for each of its reasons', () => {
    expect(() => guardedFor('select 1', [], { short: 1 })).toThrow(/per reason/);
  });
});

describe('positional', () => {
  it('numbers the placeholders, leaving quoted question marks alone', () => {
    expect(positional(`select ?, '?', "a?b", ? from t where x = ?`)).toBe(
      `select $1, '?', "a?b", $2 from t where x = $3`,
    );
  });
});
