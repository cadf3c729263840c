import { Counter, Histogram, type Registry } from 'prom-client';

/** How a request reached the server: the tRPC endpoint, the REST mirror, or a plain route. */
export type Transport = 'trpc' | 'rest' | 'http';

/** One finished request, as the HTTP layer saw it. Every label value comes from a fixed set. */
export interface RequestObservation {
  readonly transport: Transport;
  /** A procedure path (`orders.create`), a plain route (`/healthz`), or `unknown`. */
  readonly procedure: string;
  /** The tRPC error code, `OK` on success; plain routes use `OK` or `ERROR`. */
  readonly code: string;
  readonly status: number;
  readonly seconds: number;
}

export interface HttpMetrics {
  observe(request: RequestObservation): void;
}

// Payments wait up to PAY_WAIT (10 s by default) for a final state, hence the long tail.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Request counts and latency by transport, procedure and code. */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by transport, procedure, code and status',
    labelNames: ['transport', 'procedure', 'code', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by transport, procedure and code',
    labelNames: ['transport', 'procedure', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    observe({ transport, procedure, code, status, seconds }) {
      requests.inc({ transport, procedure, code, status });
      latency.observe({ transport, procedure, code }, seconds);
    },
  };
}
