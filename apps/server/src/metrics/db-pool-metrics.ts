import type { Orm } from '@orders/db';
import { Gauge, type Registry } from 'prom-client';

/** The part of knex's (tarn) pool the gauge reads. */
interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * `db_pool_connections{state}`: connections in use, idle, and callers waiting for one — read from
 * the ORM's knex pool at scrape time, so it costs nothing between scrapes. A closed ORM reads 0.
 */
export function registerDbPoolMetrics(registry: Registry, orm: Orm): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (used, free, pending = callers waiting)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = poolOf(orm);
      this.set({ state: 'used' }, pool?.numUsed() ?? 0);
      this.set({ state: 'free' }, pool?.numFree() ?? 0);
      this.set({ state: 'pending' }, pool?.numPendingAcquires() ?? 0);
    },
  });
}

// The ORM's public type hides the SQL connection's knex instance: read it structurally.
function poolOf(orm: Orm): PoolStats | undefined {
  const connection: unknown = orm.em.getConnection();
  const knex = call(connection, 'getKnex');
  const client = field(knex, 'client');
  const pool = field(client, 'pool');
  return isPoolStats(pool) ? pool : undefined;
}

// A knex instance is a function with properties, hence both kinds.
function field(value: unknown, key: string): unknown {
  const holder = typeof value === 'object' || typeof value === 'function';
  return holder && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function call(value: unknown, method: string): unknown {
  const fn = field(value, method);
  return typeof fn === 'function' ? (fn as () => unknown).call(value) : undefined;
}

function isPoolStats(value: unknown): value is PoolStats {
  return ['numUsed', 'numFree', 'numPendingAcquires'].every(
    (method) => typeof field(value, method) === 'function',
  );
}
