/**
 * What a database error means to the code above, with the driver's details left behind (its
 * message carries SQL and values, which must never reach a client or a log line).
 */
export type DbFault =
  | { readonly kind: 'unique'; readonly constraint: string | undefined }
  | { readonly kind: 'check'; readonly constraint: string | undefined }
  | { readonly kind: 'foreign-key'; readonly constraint: string | undefined }
  | { readonly kind: 'transient'; readonly reason: 'deadlock' | 'serialization' | 'lock-timeout' }
  /**
   * No usable database: unreachable, shutting down, no writable primary, or a read-only one
   * (25006, a demoted primary). Nothing was done, or it is unknown whether the commit landed.
   */
  | { readonly kind: 'connection' }
  /** An `orders_assert` in a statement failed (a guarded write refused, or a bug). */
  | { readonly kind: 'assertion' }
  | { readonly kind: 'other' };

/**
 * The one place driver errors are read, by SQLSTATE (PostgreSQL's own error codes, which pg and
 * the ORM's exceptions both carry as `code`) and, for a lost connection, by the socket's error.
 * Anything unknown is `other` (a bug or an outage).
 */
export function classifyDbError(error: unknown): DbFault {
  if (typeof error !== 'object' || error === null) return { kind: 'other' };
  const code = sqlStateOf(error);
  if (code === undefined)
    return isConnectionError(error, code) ? { kind: 'connection' } : { kind: 'other' };
  const constraint = constraintOf(error);
  switch (code) {
    case '23505':
      return { kind: 'unique', constraint };
    case '23514':
      return { kind: 'check', constraint };
    case '23503':
      return { kind: 'foreign-key', constraint };
    case '40P01':
      return { kind: 'transient', reason: 'deadlock' };
    case '40001':
      return { kind: 'transient', reason: 'serialization' };
    case '55P03':
      return { kind: 'transient', reason: 'lock-timeout' };
    case ASSERTION_FAILED:
      return { kind: 'assertion' };
    default:
      return isConnectionError(error, code) ? { kind: 'connection' } : { kind: 'other' };
  }
}

/** The SQLSTATE `orders_assert` raises. */
const ASSERTION_FAILED = 'OR001';

/** Class 08 (connection exception), and the server shutting down or not yet accepting. */
const CONNECTION_STATES = /^(08...|57P0[123])$/;
/** The `code` of the error callers get while a multi-host URL has no writable primary. */
export const NO_WRITABLE_PRIMARY = 'ENOPRIMARY';
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  NO_WRITABLE_PRIMARY,
]);
/** 25006: a write on a read-only server (a demoted primary, or a standby not yet opened). */
const READ_ONLY_TRANSACTION = '25006';

const CONNECTION_MESSAGES = new RegExp(
  [
    '^Connection terminated',
    '^Query read timeout',
    '^timeout exceeded when trying to connect', // pg's pool
    '^Knex: Timeout acquiring a connection', // the ORM's pool
    'connection error and is not queryable',
  ].join('|'),
);

function isConnectionError(error: object, code: string | undefined): boolean {
  if (code !== undefined && (CONNECTION_STATES.test(code) || SOCKET_ERRORS.has(code))) return true;
  if (code === READ_ONLY_TRANSACTION) return true;
  // pg reports a socket closed under it (or never opened in time: "Connection terminated due to
  // connection timeout"), a statement unanswered within `query_timeout`, and the pools a
  // connection they could not lend in time with a message and no code.
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return CONNECTION_MESSAGES.test(message);
}

/**
 * True when the error says the server a connection went to is no longer the writable primary:
 * it is gone (a connection fault: refused, reset, terminated, shutting down) or it refuses writes
 * (25006). A pool following a multi-host URL's primary then looks for it again.
 */
export function isPrimaryLost(error: unknown): boolean {
  return classifyDbError(error).kind === 'connection';
}

/** True when a statement's `orders_assert` failed. */
export function isAssertionFailure(error: unknown): boolean {
  return classifyDbError(error).kind === 'assertion';
}

/** True for a unique violation of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const fault = classifyDbError(error);
  return fault.kind === 'unique' && fault.constraint === constraint;
}

/**
 * The foreign keys onto `users` (PostgreSQL's default names for the migrations'
 * `user_id … references users (id)`); a test checks the list against the schema.
 */
export const USER_REFERENCE_CONSTRAINTS: ReadonlySet<string> = new Set([
  'orders_user_id_fkey',
  'payments_user_id_fkey',
  'refunds_user_id_fkey',
  'idempotency_keys_user_id_fkey',
]);

/**
 * True when a write named a user the database does not have: a validly signed token that
 * outlived its account (deleted, or a database restored from an older backup). The foreign key
 * finds this for free on the writes that reference the user, so no request reads the user first.
 */
export function isUnknownUserReference(error: unknown): boolean {
  const fault = classifyDbError(error);
  return (
    fault.kind === 'foreign-key' &&
    fault.constraint !== undefined &&
    USER_REFERENCE_CONSTRAINTS.has(fault.constraint)
  );
}

/**
 * The error a failed transaction reports. PostgreSQL refuses every statement after a failed one
 * with 25P02 ("current transaction is aborted"), and when statements went out together (under one
 * `Promise.all`) any of those refusals may be the one the work threw. `failures` are the
 * transaction's failed statements; the one that is not 25P02 is the cause (a foreign key naming an
 * unknown user, a unique key taken), and the one callers classify.
 */
export function causeOfFailure(thrown: unknown, failures: readonly unknown[]): unknown {
  if (!isAbortedTransaction(thrown)) return thrown;
  return failures.find((failure) => !isAbortedTransaction(failure)) ?? thrown;
}

/** PostgreSQL's refusal of a statement sent after a failed one in the same transaction. */
export function isAbortedTransaction(error: unknown): boolean {
  return typeof error === 'object' && error !== null && sqlStateOf(error) === '25P02';
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
