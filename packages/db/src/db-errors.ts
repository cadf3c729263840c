import {
  CheckConstraintViolationException,
  ConnectionException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';

/**
 * What a database error means to the code above, with the driver's details left behind (its
 * message carries SQL and values, which must never reach a client or a log line).
 */
export type DbFault =
  | { readonly kind: 'unique'; readonly constraint: string | undefined }
  | { readonly kind: 'check'; readonly constraint: string | undefined }
  | { readonly kind: 'foreign-key'; readonly constraint: string | undefined }
  | { readonly kind: 'transient'; readonly reason: 'deadlock' | 'serialization' | 'lock-timeout' }
  | { readonly kind: 'connection' }
  | { readonly kind: 'other' };

/** The one place driver errors are read. Anything unknown is `other` (a bug or an outage). */
export function classifyDbError(error: unknown): DbFault {
  const constraint = constraintOf(error);
  if (error instanceof UniqueConstraintViolationException) return { kind: 'unique', constraint };
  if (error instanceof CheckConstraintViolationException) return { kind: 'check', constraint };
  if (error instanceof ForeignKeyConstraintViolationException) {
    return { kind: 'foreign-key', constraint };
  }
  if (error instanceof DeadlockException) {
    return {
      kind: 'transient',
      reason: sqlStateOf(error) === '40001' ? 'serialization' : 'deadlock',
    };
  }
  if (error instanceof LockWaitTimeoutException)
    return { kind: 'transient', reason: 'lock-timeout' };
  if (error instanceof ConnectionException) return { kind: 'connection' };
  return { kind: 'other' };
}

/** True for a unique violation of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const fault = classifyDbError(error);
  return fault.kind === 'unique' && fault.constraint === constraint;
}

export interface TransientRetryOptions {
  /** Tries in all, the first included. */
  readonly attempts?: number;
  /** Nominal wait before the second try; doubles each time, jittered to [½, 1]×. */
  readonly baseMs?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborted it for a deadlock or a
 * serialization failure: the transaction was rolled back, so running it again is safe. Bounded and
 * jittered so that colliding transactions spread out instead of colliding again.
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  options: TransientRetryOptions = {},
): Promise<T> {
  const { attempts = 5, baseMs = 10, random = Math.random, sleep = delay } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || classifyDbError(error).kind !== 'transient') throw error;
      const nominal = baseMs * 2 ** (attempt - 1);
      await sleep(Math.floor(nominal * (0.5 + 0.5 * random())));
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function constraintOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('constraint' in error)) return undefined;
  return typeof error.constraint === 'string' ? error.constraint : undefined;
}

function sqlStateOf(error: object): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
