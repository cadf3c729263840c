import { err, ok, type Result } from '@orders/core';
import pg from 'pg';
import { causeOfFailure, isAbortedTransaction, isAssertionFailure } from './db-errors.js';
import type { PrimaryFollower } from './primary-follower.js';
import { createSessionPool, type SessionTimeouts } from './session-pool.js';
import type { Statement } from './statement.js';

export type Row = Record<string, unknown>;

/** What `execute(…, 'run')` resolves to: the changed-row count and any `returning` rows. */
export interface RunResult {
  readonly affectedRows: number;
  readonly rows: readonly Row[];
}

/**
 * A session the repositories read on: a transaction's connection, or the pool (each statement
 * then commits on its own). Placeholders are `?`, values are always bound, never spliced in.
 * `execute` resolves to the rows, or with `'run'` to a {@link RunResult}.
 *
 * In a transaction, statements issued before awaiting any of them (e.g. under one `Promise.all`)
 * go to the server together and run one after another in the order issued: one round trip.
 */
export interface Sql {
  execute<T = Row[]>(sql: string, params?: readonly unknown[], method?: 'all' | 'run'): Promise<T>;
}

/** A transaction's session: reads, and writes that may come back refused. */
export interface Tx extends Sql {
  /**
   * Sends the statements together (one round trip) and waits for them: `ok`, or the first
   * guarded statement's refusal. After a refusal the transaction can only end: return the `err`.
   */
  run<R>(statements: readonly Statement<R>[]): Promise<Result<undefined, R>>;
  /**
   * Sends the statements and COMMIT together, in one round trip, and ends the transaction: `ok`
   * once committed, or the first guarded statement's refusal — PostgreSQL then ended the
   * transaction with a ROLLBACK instead, so nothing of it remains. Return its result from the
   * work; nothing can be sent after it.
   */
  commitWith<R>(statements: readonly Statement<R>[]): Promise<Result<undefined, R>>;
}

/** Connections of the pool, by state: in use, idle, and callers waiting for one. */
export interface PoolStats {
  readonly used: number;
  readonly free: number;
  readonly pending: number;
}

/**
 * The database as the use cases see it: statements and transactions on a `pg` pool this package
 * owns. (The ORM has a pool of its own for the schema and the unit-of-work paths; see `orm.ts`.)
 */
export interface Database extends Sql {
  /**
   * Runs `work` in one transaction on one connection. An `ok` from the work commits (unless the
   * work committed already with `commitWith`), an `err` rolls back and is returned as is: a
   * business refusal leaves nothing behind. A throw rolls back and rethrows the fault that caused
   * it (see `causeOfFailure`).
   */
  transaction<T, E>(work: (tx: Tx) => Promise<Result<T, E>>): Promise<Result<T, E>>;
  /** Reads in one REPEATABLE READ READ ONLY transaction: all of them see one committed state. */
  snapshot<T>(read: (tx: Sql) => Promise<T>): Promise<T>;
  /** True when the database answers and takes writes: a writable primary (readiness). */
  ping(): Promise<boolean>;
  stats(): PoolStats;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * A `postgres://` URL (the real server, or the embedded one's socket), or the follower of a
   * multi-host URL's writable primary (see `connectTo`).
   */
  readonly url: string | PrimaryFollower;
  /** Connection and statement timeouts; none when unset. */
  readonly timeouts?: SessionTimeouts;
  readonly poolMax?: number;
  /**
   * Prepare each statement once per connection (named statements): the server parses and plans
   * it once instead of on every call. Only where each connection has a session of its own (see
   * {@link hasSessionPerConnection}).
   */
  readonly prepareStatements?: boolean;
}

type Answer = { rows: Row[]; rowCount: number | null; command: string };

// timestamptz, timestamp and date stay text: the mappers take epoch ms from them (`epoch`), and
// pg's own Date parser costs more than that on every row.
const TEXT_TYPES = new Set([1082, 1114, 1184]);
const asText = (value: string): string => value;
const defaultParser = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => unknown;
const types = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text'): unknown =>
    TEXT_TYPES.has(oid)
      ? asText
      : defaultParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Whether each connection gets a session of its own, as on PostgreSQL. The embedded database's
 * socket serves every connection from PGlite's one session, where a statement one connection
 * prepared would clash with the same name prepared by another.
 */
export async function hasSessionPerConnection(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('select version() as version');
    return !(rows[0]?.version ?? '').includes('PGlite');
  } finally {
    await client.end();
  }
}

export function createDatabase(options: DatabaseOptions): Database {
  const prepare = options.prepareStatements === true;
  const pool = createSessionPool({
    target: options.url,
    max: options.poolMax ?? 10,
    types,
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });

  const send = (client: pg.PoolClient, sql: string, params: readonly unknown[]) => {
    const text = positional(sql);
    const name = prepare && params.length > 0 ? statementName(text) : undefined;
    const values = params.map(toParameter);
    return new Promise<Answer>((resolve, reject) => {
      // Built from the text, not a config object, which pg copies property by property (a
      // visible share of a statement's CPU); the name, read when the query is submitted, makes
      // it a prepared statement (pg's `QueryConfig.name`).
      const query: pg.Query & { name?: string } = new pg.Query(
        text,
        values,
        (error: Error | undefined, result: unknown) => {
          if (error) reject(error);
          else resolve(result as Answer);
        },
      );
      if (name !== undefined) query.name = name;
      client.query(query);
    });
  };

  const answerOf = (result: Answer, method: 'all' | 'run'): Row[] | RunResult =>
    method === 'run' ? { affectedRows: result.rowCount ?? 0, rows: result.rows } : result.rows;

  async function withClient<T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await use(client);
    } catch (error) {
      // A connection that failed mid-transaction may be unusable: the pool replaces it.
      if (mayHaveBrokenConnection(error)) broken = error;
      pool.failed(client, error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  function transactionOn(
    client: pg.PoolClient,
    beginSql: string,
  ): {
    tx: Tx;
    end: (result: Result<unknown, unknown>) => Promise<void>;
    abort: (error: unknown) => Promise<unknown>;
  } {
    // BEGIN is not awaited: it goes out in the same round trip as the work's first statements,
    // which PostgreSQL runs after it. A statement's answer is given only once BEGIN succeeded.
    const begun = send(client, beginSql, []);
    begun.catch(() => undefined); // reported through the work's statements, or at the end
    const failures: unknown[] = [];
    let state: 'open' | 'refused' | 'committed' | 'rolled-back' = 'open';

    const issue = (sql: string, params: readonly unknown[]) => {
      if (state !== 'open') throw new Error(`a statement after the transaction ${state}`);
      const answer = send(client, sql, params);
      return Promise.all([begun, answer]).then(
        ([, result]) => result,
        (error: unknown) => {
          failures.push(error);
          throw error;
        },
      );
    };

    /** Sends `statements` (and COMMIT), waits for every answer, and finds the refusal if any. */
    async function sendAll<R>(
      statements: readonly Statement<R>[],
      commit: boolean,
    ): Promise<Result<undefined, R>> {
      const sent = statements.map((s) => issue(s.sql, s.params));
      const committed = commit ? issue('commit', []) : undefined;
      const answers = await Promise.allSettled([...sent, ...(committed ? [committed] : [])]);
      let refusal: { value: R } | undefined;
      for (const [index, answer] of answers.entries()) {
        if (answer.status === 'fulfilled') continue;
        const guard =
          refusal === undefined && isAssertionFailure(answer.reason)
            ? statements[index]?.refusal?.(reasonOf(answer.reason))
            : undefined;
        if (guard !== undefined) {
          refusal = { value: guard };
        } else if (!isAbortedTransaction(answer.reason)) {
          throw answer.reason; // a fault or a bug, not a refusal: the work rolls back
        }
      }
      if (refusal !== undefined) {
        state = commit ? 'rolled-back' : 'refused';
        return err(refusal.value);
      }
      if (committed !== undefined) {
        const { command } = await committed;
        if (command !== 'COMMIT') throw new Error(`the transaction ended with ${command}`);
        state = 'committed';
      }
      return ok(undefined);
    }

    const tx: Tx = {
      async execute<T>(
        sql: string,
        params: readonly unknown[] = [],
        method: 'all' | 'run' = 'all',
      ) {
        return answerOf(await issue(sql, params), method) as T;
      },
      run: (statements) => sendAll(statements, false),
      commitWith: (statements) => sendAll(statements, true),
    };

    return {
      tx,
      async end(result) {
        // A work's answer must agree with how its transaction went: ok only if it commits.
        if (result.ok && (state === 'refused' || state === 'rolled-back')) {
          throw new Error(`a work returned ok from a transaction that was ${state}`);
        }
        if (!result.ok && state === 'committed') {
          throw new Error('a work returned err from a transaction it committed');
        }
        if (state === 'open' && result.ok) await sendAll([], true);
        else if (state === 'open' || state === 'refused') await client.query('rollback');
      },
      async abort(error) {
        if (state === 'open' || state === 'refused') {
          // A broken connection cannot roll back; the server rolled back already.
          await client.query('rollback').catch(() => undefined);
        }
        // Every statement sent before ROLLBACK has answered by now: the cause is among them.
        return causeOfFailure(error, failures);
      },
    };
  }

  return {
    execute<T>(sql: string, params: readonly unknown[] = [], method: 'all' | 'run' = 'all') {
      return withClient(async (client) => answerOf(await send(client, sql, params), method) as T);
    },
    transaction(work) {
      return withClient(async (client) => {
        const { tx, end, abort } = transactionOn(client, 'begin');
        try {
          const result = await work(tx);
          await end(result);
          return result;
        } catch (error) {
          throw await abort(error);
        }
      });
    },
    snapshot(read) {
      return withClient(async (client) => {
        const { tx, end, abort } = transactionOn(
          client,
          'begin isolation level repeatable read read only',
        );
        try {
          const value = await read(tx);
          await end(ok(undefined));
          return value;
        } catch (error) {
          throw await abort(error);
        }
      });
    },
    async ping() {
      try {
        const [row] = await withClient(async (client) => (await send(client, WRITABLE, [])).rows);
        return row?.writable === true;
      } catch {
        return false;
      }
    },
    stats: () => {
      const { total, idle, waiting } = pool.stats();
      return { used: total - idle, free: idle, pending: waiting };
    },
    close: () => pool.end(),
  };
}

/**
 * Whether this session's server takes writes: out of recovery and not read-only (a promoted
 * standby is read-only until its failover manager opens it). A 25006 answer is a primary lost.
 */
const WRITABLE = `select not pg_is_in_recovery() and current_setting('transaction_read_only') = 'off' as writable`;

/** The reason an `orders_assert` gave: its message. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

/**
 * Anything but an answer from the server (which carries a severity) may have left the
 * connection mid-protocol or mid-transaction.
 */
function mayHaveBrokenConnection(error: unknown): error is Error {
  return error instanceof Error && !('severity' in error);
}

/**
 * An instant as ISO-8601 UTC text: what pg would send for a Date anyway, but pg builds it by hand
 * in local time (a visible share of a statement's CPU); `toISOString` is native.
 */
function toParameter(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

const positionalCache = new Map<string, string>();

/**
 * `?` → `$1, $2, …` outside quoted strings and identifiers, as PostgreSQL's protocol wants.
 * The statements are the repositories' constants, so the translation is cached.
 */
export function positional(sql: string): string {
  const cached = positionalCache.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const char of sql) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '?') {
      out += `$${++n}`;
      continue;
    }
    out += char;
  }
  if (positionalCache.size < 1_000) positionalCache.set(sql, out);
  return out;
}

const statementNames = new Map<string, string>();

/** A stable name per statement text (a bounded set: the repositories' constants). */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < 1_000) {
    name = `orders_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}
