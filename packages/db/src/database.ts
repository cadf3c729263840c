import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { causeOfFailure } from './db-errors.js';
import type { Orm } from './orm.js';

export type Row = Record<string, unknown>;

/** What `execute(…, 'run')` resolves to: the changed-row count and any `returning` rows. */
export interface RunResult {
  readonly affectedRows: number;
  readonly rows: readonly Row[];
}

/**
 * A session the repositories run SQL on: a transaction's connection, or the pool (each statement
 * then commits on its own). Placeholders are `?`, values are always bound, never spliced in.
 * `execute` resolves to the rows, or with `'run'` to a {@link RunResult}.
 *
 * In a transaction, statements are pipelined: those issued before awaiting any of them (e.g.
 * under one `Promise.all`) go to the server together and run one after another in the order
 * issued, in one round trip instead of one each.
 */
export interface Sql {
  execute<T = Row[]>(sql: string, params?: readonly unknown[], method?: 'all' | 'run'): Promise<T>;
}

/** A transaction's session. */
export interface TransactionSql extends Sql {
  /**
   * Sends COMMIT now, right behind the statements already issued, instead of after the work
   * returns: one round trip fewer. Only for the work's last statements, when nothing remains to
   * check once they answer — a statement that fails still rolls everything back (PostgreSQL ends
   * a failed transaction's COMMIT as a ROLLBACK, reported here as an error). Await it with them.
   */
  commit(): Promise<void>;
}

export interface TransactionOptions {
  /** REPEATABLE READ READ ONLY: several reads that all see one committed state. */
  readonly snapshot?: boolean;
}

/**
 * The database as the use cases see it: statements and transactions on plain `pg` connections
 * borrowed from the ORM's pool. The ORM keeps the schema (entities, migrations) and the work that
 * profits from a unit of work; the hot paths are a few statements each, and a MikroORM
 * transaction costs about ten times the CPU of the same statements on a bare connection.
 */
export interface Database extends Sql {
  /**
   * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
   * throws. Errors come out as the ORM's typed exceptions (see `classifyDbError`).
   */
  transaction<T>(
    work: (tx: TransactionSql) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /** A fresh ORM EntityManager, for the work that uses entities (users). */
  em(): EntityManager;
}

/** The `pg` client surface used here (the ORM's pool hands out `pg.Client`s). */
interface PgClient {
  /** pg's protocol connection; its socket is corked to send a batch of statements at once. */
  readonly connection?: { readonly stream?: { cork(): void; uncork(): void } };
  query(query: pg.Query): void;
}

type Answer = { rows: Row[]; rowCount: number | null; command: string };

interface PoolOwner {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<unknown>;
}

export interface DatabaseOptions {
  /**
   * Prepare each statement once per connection (named statements): the server parses and plans
   * it once instead of on every call. Only where each connection has a session of its own (see
   * {@link hasSessionPerConnection}).
   */
  readonly prepareStatements?: boolean;
}

/**
 * Whether each connection gets a session of its own, as on PostgreSQL. The embedded database's
 * socket serves every connection from PGlite's one session, where a statement one connection
 * prepared would clash with the same name prepared by another.
 */
export async function hasSessionPerConnection(orm: Orm): Promise<boolean> {
  const rows = await orm.em
    .getConnection()
    .execute<{ version: string }[]>('select version() as version');
  return !(rows[0]?.version ?? '').includes('PGlite');
}

export function createDatabase(orm: Orm, options: DatabaseOptions = {}): Database {
  const prepare = options.prepareStatements === true;
  // The knex client behind the ORM owns the pool: one pool, one DB_POOL_MAX, one set of type
  // parsers (timestamptz arrives as text, as through `em.execute`).
  const pool = orm.em.getConnection().getKnex().client as PoolOwner;
  const driver = orm.em.getDriver();
  const translate = (error: unknown): unknown =>
    error instanceof Error ? driver.convertException(error) : error;

  const send = (client: PgClient, sql: string, params: readonly unknown[]): Promise<Answer> => {
    const text = positional(sql);
    const name = prepare && params.length > 0 ? statementName(text) : undefined;
    holdWrites(client);
    // A Query handed over as is: pg copies a plain config object property by property (a
    // measurable share of the CPU of a statement), a Query it submits directly.
    return new Promise((resolve, reject) => {
      const query: pg.Query & { name?: string } = new pg.Query(
        text,
        params.map(toParameter),
        (error: Error | undefined, result) => {
          if (error) reject(error);
          else resolve(result as Answer);
        },
      );
      // Read when the query is submitted: set here, it makes the statement a named (prepared) one.
      if (name !== undefined) query.name = name;
      client.query(query);
    });
  };

  /**
   * Statements on one connection. `before` is a statement already sent ahead of them (BEGIN): a
   * statement's answer is given only once that one has succeeded, so a transaction's work stops
   * at its first await if BEGIN failed. `failures` collects a transaction's failed statements.
   */
  const sessionOn = (client: PgClient, before?: Promise<unknown>, failures?: unknown[]): Sql => ({
    async execute<T>(sql: string, params: readonly unknown[] = [], method: 'all' | 'run' = 'all') {
      let result: Answer;
      try {
        const answer = send(client, sql, params);
        if (before !== undefined) await Promise.all([before, answer]);
        result = await answer;
      } catch (error) {
        const failure = translate(error);
        failures?.push(failure);
        throw failure;
      }
      const answer: Row[] | RunResult =
        method === 'run' ? { affectedRows: result.rowCount ?? 0, rows: result.rows } : result.rows;
      return answer as T;
    },
  });

  /** COMMIT, refused when PostgreSQL ended the transaction as a ROLLBACK (a statement failed). */
  async function commitOn(client: PgClient, begun: Promise<unknown>): Promise<void> {
    let command: string;
    try {
      // Both awaited together: whichever fails first, the other's failure is not left unheard.
      [, { command }] = await Promise.all([begun, send(client, 'commit', [])]);
    } catch (error) {
      throw translate(error);
    }
    if (command !== 'COMMIT') {
      // A statement sent before COMMIT failed, and its caller is hearing of it through that
      // statement's promise, perhaps via a few more promise steps (a repository turning an
      // assertion into a domain signal). Those all run before the next turn of the event loop:
      // the generic "rolled back" comes after, so the specific cause is what the work sees.
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error(`the transaction ended with ${command}`);
    }
  }

  async function withConnection<T>(use: (client: PgClient) => Promise<T>): Promise<T> {
    const client = await pool.acquireConnection();
    try {
      return await use(client);
    } finally {
      await pool.releaseConnection(client);
    }
  }

  return {
    execute<T>(sql: string, params?: readonly unknown[], method?: 'all' | 'run') {
      return withConnection((client) => sessionOn(client).execute<T>(sql, params, method));
    },
    transaction(work, options = {}) {
      return withConnection(async (client) => {
        // BEGIN is not awaited: it goes out in the same round trip as the work's first
        // statements, which PostgreSQL runs after it.
        const begun = send(
          client,
          options.snapshot === true ? 'begin isolation level repeatable read read only' : 'begin',
          [],
        );
        begun.catch(() => undefined); // reported through the work's statements, or below
        const failures: unknown[] = [];
        const session = sessionOn(client, begun, failures);
        let committed: Promise<void> | undefined;
        const commit = () => (committed ??= commitOn(client, begun));
        const tx: TransactionSql = {
          execute: (...args) => {
            // After COMMIT it would run on its own, outside the transaction: a bug, refused.
            if (committed !== undefined) throw new Error('a statement after COMMIT');
            return session.execute(...args);
          },
          commit,
        };
        let result;
        try {
          result = await work(tx);
          await begun;
          await commit();
        } catch (error) {
          // A broken connection cannot roll back; the pool discards it, and the server already
          // rolled back. The caller's error is the one that matters.
          await session.execute('rollback').catch(() => undefined);
          // By now every statement sent before ROLLBACK has answered: the cause is among them.
          throw causeOfFailure(error, failures);
        }
        return result;
      });
    },
    em: () => orm.em.fork(),
  };
}

/**
 * An instant as ISO-8601 UTC text: what pg would send for a Date anyway, but pg builds it by hand
 * in local time (a visible share of a statement's CPU); `toISOString` is native.
 */
function toParameter(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

const corked = new WeakSet<PgClient>();

/**
 * Statements issued in the same tick leave in one socket write: pg writes each statement's
 * messages as soon as it is issued (pipeline mode), and on loopback every write is a system call
 * that also wakes the server. The socket is corked on the first statement and uncorked once the
 * issuing code yields.
 */
function holdWrites(client: PgClient): void {
  const stream = client.connection?.stream;
  if (stream === undefined || corked.has(client)) return;
  corked.add(client);
  stream.cork();
  queueMicrotask(() => {
    corked.delete(client);
    try {
      stream.uncork();
    } catch {
      // The socket died (the server ended the session): the write throws here, and pg fails
      // every statement on the connection, which is where the callers hear of it.
    }
  });
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
