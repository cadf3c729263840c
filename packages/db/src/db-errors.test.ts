import {
  CheckConstraintViolationException,
  DeadlockException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { classifyDbError, isUniqueViolation, retryTransient } from './db-errors.js';

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
