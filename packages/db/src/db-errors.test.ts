import { randomUUID } from 'node:crypto';
import { ok } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import {
  causeOfFailure,
  classifyDbError,
  isAssertionFailure,
  isPrimaryLost,
  isUniqueViolation,
  isUnknownUserReference,
  retryTransient,
  USER_REFERENCE_CONSTRAINTS,
} from './db-errors.js';
import { claimIdempotencyKey } from './idempotency/idempotency.repository.js';
import { NoWritablePrimaryError } from './primary-follower.js';
import { createMigratedTestDatabase } from './testing/test-db.js';

/** An error as pg reports one from the server: SQLSTATE and details as fields, SQL in the message. */
function pgError(code: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error('select secret from somewhere'), {
    code,
    severity: 'ERROR',
    ...fields,
  });
}

const deadlock = () => pgError('40P01');
const serialization = () => pgError('40001');

describe('classifyDbError', () => {
  it('names the constraint of a unique or check violation, and nothing of the SQL', () => {
    const unique = pgError('23505', { constraint: 'users_email_unique' });
    expect(classifyDbError(unique)).toEqual({ kind: 'unique', constraint: 'users_email_unique' });
    expect(isUniqueViolation(unique, 'users_email_unique')).toBe(true);
    expect(isUniqueViolation(unique, 'other')).toBe(false);
    const check = pgError('23514', { constraint: 'products_reserved_within_on_hand' });
    expect(classifyDbError(check)).toEqual({
      kind: 'check',
      constraint: 'products_reserved_within_on_hand',
    });
  });

  it('names the constraint of a foreign-key violation, and leaves it undefined when pg gave none', () => {
    expect(classifyDbError(pgError('23503', { constraint: 'orders_user_id_fkey' }))).toEqual({
      kind: 'foreign-key',
      constraint: 'orders_user_id_fkey',
    });
    expect(classifyDbError(pgError('23505'))).toEqual({ kind: 'unique', constraint: undefined });
  });

  it('tells a deadlock, a serialization failure and a lock timeout apart, all transient', () => {
    expect(classifyDbError(deadlock())).toEqual({ kind: 'transient', reason: 'deadlock' });
    expect(classifyDbError(serialization())).toEqual({
      kind: 'transient',
      reason: 'serialization',
    });
    expect(classifyDbError(pgError('55P03'))).toEqual({
      kind: 'transient',
      reason: 'lock-timeout',
    });
  });

  it('recognises a failed orders_assert (SQLSTATE OR001) as an assertion', () => {
    expect(classifyDbError(pgError('OR001'))).toEqual({ kind: 'assertion' });
    expect(isAssertionFailure(pgError('OR001'))).toBe(true);
    expect(isAssertionFailure(pgError('23514'))).toBe(false);
  });

  it('recognises a lost connection: by SQLSTATE, by socket error, and by pg’s message without a code', () => {
    const connection = { kind: 'connection' };
    expect(classifyDbError(pgError('08006'))).toEqual(connection); // connection failure
    expect(classifyDbError(pgError('08003'))).toEqual(connection); // connection does not exist
    expect(classifyDbError(Object.assign(pgError('57P01'), { severity: 'FATAL' }))).toEqual(
      connection, // terminating connection due to administrator command
    );
    expect(classifyDbError(pgError('57P03'))).toEqual(connection); // cannot connect now
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    expect(classifyDbError(refused)).toEqual(connection);
    expect(
      classifyDbError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ).toEqual(connection);
    expect(classifyDbError(new Error('Connection terminated unexpectedly'))).toEqual(connection);
    expect(
      classifyDbError(new Error('Client has encountered a connection error and is not queryable')),
    ).toEqual(connection);
  });

  it('counts as a connection fault a read-only server, an unanswered statement, a pool that could not lend, and no primary', () => {
    const connection = { kind: 'connection' };
    expect(classifyDbError(pgError('25006'))).toEqual(connection); // read-only transaction
    expect(classifyDbError(new Error('Query read timeout'))).toEqual(connection);
    expect(classifyDbError(new Error('timeout exceeded when trying to connect'))).toEqual(
      connection,
    );
    expect(
      classifyDbError(
        new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
      ),
    ).toEqual(connection);
    expect(
      classifyDbError(new NoWritablePrimaryError('no writable primary among h1:5432')),
    ).toEqual(connection);
    expect(isPrimaryLost(pgError('25006'))).toBe(true);
    expect(isPrimaryLost(pgError('57P01'))).toBe(true);
    expect(isPrimaryLost(pgError('23505'))).toBe(false);
    expect(isPrimaryLost(pgError('40001'))).toBe(false);
  });

  it('trusts the SQLSTATE over a message that mentions a connection', () => {
    const unique = Object.assign(pgError('23505', { constraint: 'x' }), {
      message: 'Connection terminated unexpectedly',
    });
    expect(classifyDbError(unique)).toEqual({ kind: 'unique', constraint: 'x' });
    expect(classifyDbError(pgError('57P04'))).toEqual({ kind: 'other' }); // database dropped
    expect(classifyDbError(new Error('the connection string is invalid'))).toEqual({
      kind: 'other',
    });
  });

  it('calls anything else other', () => {
    expect(classifyDbError(new TypeError('bug'))).toEqual({ kind: 'other' });
    expect(classifyDbError(pgError('22003'))).toEqual({ kind: 'other' });
    expect(classifyDbError('not even an error')).toEqual({ kind: 'other' });
    expect(classifyDbError(null)).toEqual({ kind: 'other' });
  });
});

describe('a connection pg could not make', () => {
  it('is classified as connection, from the socket error pg reports', async () => {
    const nowhere = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolMax: 1 });
    try {
      const error = await nowhere.execute('select 1').catch((reason: unknown) => reason);
      expect(classifyDbError(error)).toEqual({ kind: 'connection' });
    } finally {
      await nowhere.close();
    }
  });
});

describe('isUnknownUserReference', () => {
  it('is true only for a foreign-key violation onto users', () => {
    const fk = (constraint: string) => pgError('23503', { constraint });
    expect(isUnknownUserReference(fk('orders_user_id_fkey'))).toBe(true);
    expect(isUnknownUserReference(fk('order_lines_product_id_fkey'))).toBe(false);
    const unique = pgError('23505', { constraint: 'orders_user_id_fkey' });
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
          .transaction(async (tx) => {
            await Promise.all([
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
            ]);
            return ok(undefined);
          })
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
  const aborted = () => pgError('25P02');
  const cause = pgError('23503', { constraint: 'orders_user_id_fkey' });

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
    const thrown: Error[] = [];
    const failing = retryTransient(
      () => {
        const error = serialization();
        thrown.push(error);
        return Promise.reject(error);
      },
      { ...noSleep, attempts: 4 },
    );
    const error = await failing.catch((reason: unknown) => reason);
    expect(thrown).toHaveLength(4);
    expect(error).toBe(thrown[3]);
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
