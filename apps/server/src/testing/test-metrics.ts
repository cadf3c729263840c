import { Registry } from 'prom-client';
import { createDomainMetrics, type DomainMetrics } from '../metrics/domain-metrics.js';

/** Domain metrics on a registry of their own, for use cases called directly in tests. */
export function testMetrics(): DomainMetrics {
  return createDomainMetrics(new Registry());
}
