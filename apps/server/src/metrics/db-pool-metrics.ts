import type { Database } from '@orders/db';
import { Gauge, type Registry } from 'prom-client';

/**
 * `db_pool_connections{state}`: connections of the db package's pool in use, idle, and callers
 * waiting for one — read at scrape time, so it costs nothing between scrapes.
 */
export function registerDbPoolMetrics(registry: Registry, db: Database): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (used, free, pending = callers waiting)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { used, free, pending } = db.stats();
      this.set({ state: 'used' }, used);
      this.set({ state: 'free' }, free);
      this.set({ state: 'pending' }, pending);
    },
  });
}
