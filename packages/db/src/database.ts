import type { EntityManager } from '@mikro-orm/postgresql';
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
 */
export interface Sql {
  execute<T = Row[]>(sql: string, params?: readonly unknown[], method?: 'all' | 'run'): Promise<T>;
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
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A fresh ORM EntityManager, for the work that uses entities (users). */
  em(): EntityManager;
}

/** The `pg` client surface used here (the ORM's pool hands out `pg.Client`s). */
interface PgClient {
  query(config: {
    text: string;
    values: readonly unknown[];
  }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

interface PoolOwner {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<unknown>;
}

export function createDatabase(orm: Orm): Database {
  // The knex client behind the ORM owns the pool: one pool, one DB_POOL_MAX, one set of type
  // parsers (timestamptz arrives as text, as through `em.execute`).
  const pool = orm.em.getConnection().getKnex().client as PoolOwner;
  const driver = orm.em.getDriver();
  const translate = (error: unknown): unknown =>
    error instanceof Error ? driver.convertException(error) : error;

  const sessionOn = (client: PgClient): Sql => ({
    async execute<T>(sql: string, params: readonly unknown[] = [], method: 'all' | 'run' = 'all') {
      let result: { rows: Row[]; rowCount: number | null };
      try {
        result = await client.query({ text: positional(sql), values: params });
      } catch (error) {
        throw translate(error);
      }
      const answer: Row[] | RunResult =
        method === 'run' ? { affectedRows: result.rowCount ?? 0, rows: result.rows } : result.rows;
      return answer as T;
    },
  });

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
        const tx = sessionOn(client);
        await tx.execute(
          options.snapshot === true ? 'begin isolation level repeatable read read only' : 'begin',
        );
        let result;
        try {
          result = await work(tx);
        } catch (error) {
          // A broken connection cannot roll back; the pool discards it, and the server already
          // rolled back. The caller's error is the one that matters.
          await tx.execute('rollback').catch(() => undefined);
          throw error;
        }
        await tx.execute('commit');
        return result;
      });
    },
    em: () => orm.em.fork(),
  };
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
