import type { Database } from '@orders/db';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerDbPoolMetrics } from './db-pool-metrics.js';
import { createDomainMetrics, type DomainMetrics } from './domain-metrics.js';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';

/** Everything `/metrics` reports, on a registry of this app instance's own. */
export interface AppMetrics {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly domain: DomainMetrics;
}

/**
 * A fresh registry per app instance (never prom-client's global one), so two servers in one
 * process — as in the tests — keep separate counts. Adds Node's process metrics and the DB pool.
 */
export function createAppMetrics(db: Database): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerDbPoolMetrics(registry, db);
  return {
    registry,
    http: createHttpMetrics(registry),
    domain: createDomainMetrics(registry),
  };
}
