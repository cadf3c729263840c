import type { Database } from '@orders/db';
import { describe, expect, it } from 'vitest';
import { metricValue } from '../testing/metrics-text.js';
import { createAppMetrics } from './app-metrics.js';

// A database whose pool has no connections yet: the gauge reads 0.
const idleDatabase = {
  stats: () => ({ used: 0, free: 0, pending: 0 }),
} as unknown as Database;

describe('createAppMetrics', () => {
  it('gives each app instance its own registry: two in one process count apart', async () => {
    const first = createAppMetrics(idleDatabase);
    const second = createAppMetrics(idleDatabase);
    const request = {
      transport: 'rest',
      procedure: 'orders.get',
      code: 'OK',
      status: 200,
    } as const;
    first.http.observe({ ...request, seconds: 0.01 });
    first.domain.paymentsClaimed(2);
    const labels = { transport: 'rest', procedure: 'orders.get', code: 'OK', status: '200' };
    expect(metricValue(await first.registry.metrics(), 'http_requests_total', labels)).toBe(1);
    expect(metricValue(await second.registry.metrics(), 'http_requests_total', labels)).toBe(0);
    expect(metricValue(await second.registry.metrics(), 'worker_claimed_payments_total')).toBe(0);
  });

  it('reports process metrics and reads the pool gauge as 0 with no connections', async () => {
    const text = await createAppMetrics(idleDatabase).registry.metrics();
    expect(text).toContain('process_resident_memory_bytes');
    expect(metricValue(text, 'db_pool_connections', { state: 'used' })).toBe(0);
  });
});
