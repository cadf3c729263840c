import { randomUUID } from 'node:crypto';
import {
  CheckConstraintViolationException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  causeOfFailure,
  classifyDbError,
  isUniqueViolation,
  isUnknownUserReference,
  retryTransient,
  USER_REFERENCE_CONSTRAINTS,
} from './db-errors.js';
import { claimIdempotencyKey } from './idempotency/idempotency.repository.js';
import { createMigratedTestDatabase } from './testing/test-db.js';

/** A driver error as MikroORM wraps it: the pg error's fields copied onto the exception. */
function driverError<T>(Kind: new (previous: Error) => T, fields: Record<string, string>): T {
  return new Kind(Object.assign(new Error('select secret from somewhere'), fields));
}

const deadlock = () => driverError(DeadlockException, { code: '40P01' });
const serialization = () => driverError(DeadlockException, { code: '40001' });

describe('classifyDbError', () => {
  it('names the constraint of a unique or check violation, and nothing of the SQL', () => {
    const unique = driverError(UniqueConstraintViolationException, {
      constraint: 'users_email_unique',
    });
    expect(classifyDbError(unique)).toEqual({ kind: 'unique', constraint: 'users_email_unique' });
    expect(isUniqueViolation(unique, 'users_email_unique')).toBe(true);
    expect(isUniqueViolation(unique, 'other')).toBe(false);
    const check = driverError(CheckConstraintViolationException, {
      constraint: 'products_reserved_within_on_hand',
    });
    expect(classifyDbError(check)).toEqual({
      kind: 'check',
      constraint: 'products_reserved_within_on_hand',
    });
  });

  it('tells a deadlock from a serialization failure, both transient', () => {
    expect(classifyDbError(deadlock())).toEqual({ kind: 'transient', reason: 'deadlock' });
    expect(classifyDbError(serialization())).toEqual({
      kind: 'transient',
      reason: 'serialization',
    });
  });

  it('calls anything else other', () => {
    expect(classifyDbError(new TypeError('bug'))).toEqual({ kind: 'other' });
    expect(classifyDbError('not even an error')).toEqual({ kind: 'other' });
  });
});

describe('isUnknownUserReference', () => {
  it('is true only for a foreign-key violation onto users', () => {
    const fk = (constraint: string) =>
      driverError(ForeignKeyConstraintViolationException, { constraint });
    expect(isUnknownUserReference(fk('orders_user_id_fkey'))).toBe(true);
    expect(isUnknownUserReference(fk('order_lines_product_id_fkey'))).toBe(false);
    const unique = driverError(UniqueConstraintViolationException, {
      constraint: 'orders_user_id_fkey',
    });
    expect(isUnknownUserReference(unique)).toBe(false);
    expect(isUnknownUserReference(new TypeError('bug'))).toBe(false);
  });

  describe('on a real database', () => {
    let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
    beforeAll(async () => {
      db = await createMigratedTestDatabase();
    });
    afterAll(async () => {
      await db.dispose();
    });

    it('knows every foreign key the schema has onto users', async () => {
      const rows = await db.database.execute<{ name: string }[]>(
        `select conname as name from pg_constraint
          where contype = 'f' and confrelid = 'users'::regclass`,
      );
      expect(rows.map((row) => row.name).sort()).toEqual([...USER_REFERENCE_CONSTRAINTS].sort());
    });

    it('reports the failed statement, not "transaction aborted", when statements sent together fail', async () => {
      for (let i = 0; i < 20; i++) {
        const failed: unknown = await db.database
          .transaction((tx) =>
            Promise.all([
              claimIdempotencyKey(tx, {
                userId: randomUUID(),
                scope: 'orders.create',
                key: `ghost-${i}`,
                requestHash: 'hash',
                resourceId: randomUUID(),
                at: new Date(),
              }),
              tx.execute('select 1'),
              tx.execute('select 2'),
            ]),
          )
          .then(
            () => undefined,
            (reason: unknown) => reason,
          );
        expect(isUnknownUserReference(failed)).toBe(true);
      }
    });

    it('recognises a write naming a user the database does not have, and writes nothing', async () => {
      const claim = claimIdempotencyKey(db.database, {
        userId: randomUUID(),
        scope: 'orders.create',
        key: 'ghost-key',
        requestHash: 'hash',
        resourceId: randomUUID(),
        at: new Date(),
      });
      const error: unknown = await claim.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isUnknownUserReference(error)).toBe(true);
      const keys = await db.database.execute<{ n: number }[]>(
        'select count(*)::int as n from idempotency_keys',
      );
      expect(keys).toEqual([{ n: 0 }]);
    });
  });
});

describe('causeOfFailure', () => {
  const aborted = () => driverError(DeadlockException, { code: '25P02' });
  const cause = driverError(ForeignKeyConstraintViolationException, {
    code: '23503',
    constraint: 'orders_user_id_fkey',
  });

  it('names the statement that failed in place of a later "transaction aborted"', () => {
    expect(causeOfFailure(aborted(), [aborted(), cause, aborted()])).toBe(cause);
  });

  it('keeps any other error, and an abort whose cause is unknown', () => {
    const bug = new TypeError('bug');
    expect(causeOfFailure(bug, [cause])).toBe(bug);
    const alone = aborted();
    expect(causeOfFailure(alone, [alone])).toBe(alone);
  });
});

describe('retryTransient', () => {
  const noSleep = { sleep: () => Promise.resolve(), random: () => 1 };

  it('runs a transaction again after a deadlock and returns its result', async () => {
    let calls = 0;
    const result = await retryTransient(() => {
      calls++;
      if (calls < 3) return Promise.reject(deadlock());
      return Promise.resolve('committed');
    }, noSleep);
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('gives up after the bounded number of tries, with the last error', async () => {
    let calls = 0;
    const failing = retryTransient(
      () => {
        calls++;
        return Promise.reject(serialization());
      },
      { ...noSleep, attempts: 4 },
    );
    await expect(failing).rejects.toBeInstanceOf(DeadlockException);
    expect(calls).toBe(4);
  });

  it('never retries an error that is not transient', async () => {
    let calls = 0;
    const failing = retryTransient(() => {
      calls++;
      return Promise.reject(new TypeError('bug'));
    }, noSleep);
    await expect(failing).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });

  it('waits a jittered, doubling delay between tries', async () => {
    const waits: number[] = [];
    let calls = 0;
    await retryTransient(() => (++calls < 4 ? Promise.reject(deadlock()) : Promise.resolve()), {
      baseMs: 10,
      random: () => 0,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(waits).toEqual([5, 10, 20]);
  });
});
