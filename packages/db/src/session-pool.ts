import pg from 'pg';
import { BatchingSocket } from './batching-socket.js';
import type { PrimaryFollower } from './primary-follower.js';

/** Bounds on waiting for the database, so that no caller hangs without one. */
export interface SessionTimeouts {
  /** Opening a connection (and waiting for a free one in the pool). 0: no bound. */
  readonly connectTimeoutMs: number;
  /**
   * A statement's bound: the server cancels it (`statement_timeout`), and the client gives up
   * {@link CLIENT_TIMEOUT_MARGIN_MS} later (pg's `query_timeout`), for a server that cannot
   * answer at all — a machine gone without a reset, or a COMMIT waiting for a synchronous standby
   * that is down, which `statement_timeout` does not cut short. 0: no bound.
   */
  readonly statementTimeoutMs: number;
}

/** How long after the server's own statement timeout the client stops waiting for an answer. */
export const CLIENT_TIMEOUT_MARGIN_MS = 2_000;

/** pg's names for {@link SessionTimeouts}; empty when both are 0 (or unset). */
export function pgTimeouts(timeouts: SessionTimeouts | undefined): pg.ClientConfig {
  if (timeouts === undefined) return {};
  const { connectTimeoutMs, statementTimeoutMs } = timeouts;
  return {
    ...(connectTimeoutMs > 0 ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
    ...(statementTimeoutMs > 0
      ? {
          statement_timeout: statementTimeoutMs,
          query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
        }
      : {}),
    // A peer that vanished without a reset is noticed by the kernel, not only by the timeouts.
    keepAlive: true,
  };
}

/** The connections `createDatabase` borrows: one pool, or one per primary it followed. */
export interface SessionPool {
  connect(): Promise<pg.PoolClient>;
  /** A borrowed connection failed: a following pool may look for the primary again. */
  failed(client: pg.PoolClient | undefined, error: unknown): void;
  stats(): { readonly total: number; readonly idle: number; readonly waiting: number };
  end(): Promise<void>;
}

export interface SessionPoolOptions {
  /** One server's URL, or the follower of a multi-host URL's writable primary. */
  readonly target: string | PrimaryFollower;
  readonly max: number;
  readonly types: pg.CustomTypesConfig;
  readonly timeouts?: SessionTimeouts;
}

export function createSessionPool(options: SessionPoolOptions): SessionPool {
  const { target } = options;
  if (typeof target === 'string') {
    const pool = poolOn(target, options);
    return {
      connect: () => pool.connect(),
      failed: () => undefined,
      stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      end: () => pool.end(),
    };
  }
  return followingPool(target, options);
}

/**
 * A pool on the follower's current primary. When the follower finds another one, the next
 * borrower gets a new pool on it and the old pool is ended: its idle connections close at once,
 * those still lent out when they come back (their work failed with the old primary already).
 */
function followingPool(follower: PrimaryFollower, options: SessionPoolOptions): SessionPool {
  let current: { pool: pg.Pool; generation: number } | undefined;
  const generationOf = new WeakMap<pg.PoolClient, number>();
  let ended = false;

  const poolFor = (generation: number, url: string): pg.Pool => {
    if (current?.generation === generation) return current.pool;
    const stale = current?.pool;
    const pool = poolOn(url, options);
    pool.on('connect', (client) => generationOf.set(client, generation));
    current = { pool, generation };
    stale?.end().catch(() => undefined);
    return pool;
  };

  return {
    async connect() {
      if (ended) throw new Error('the database pool is closed');
      const primary = await follower.primary();
      try {
        return await poolFor(primary.generation, primary.url).connect();
      } catch (error) {
        follower.failed(primary.generation, error);
        throw error;
      }
    },
    failed(client, error) {
      const generation = client === undefined ? undefined : generationOf.get(client);
      if (generation !== undefined) follower.failed(generation, error);
    },
    stats: () => {
      const pool = current?.pool;
      return pool === undefined
        ? { total: 0, idle: 0, waiting: 0 }
        : { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    async end() {
      ended = true;
      await current?.pool.end();
    },
  };
}

function poolOn(url: string, options: SessionPoolOptions): pg.Pool {
  // Pipeline mode: a statement issued while earlier ones are in flight is written at once, not
  // after their answers; sequential use is unchanged.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    pipeline: true,
    // A round trip's statements leave in one write (see BatchingSocket).
    stream: () => new BatchingSocket(),
    types: options.types,
    ...pgTimeouts(options.timeouts),
  });
  // A connection the server ends (a restart, a terminated session) emits 'error': an idle one
  // through the pool (which drops it), one in use on itself — its statements fail with the
  // cause, which is where the callers hear of it. Unheard, either would crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
