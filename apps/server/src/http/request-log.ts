import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import type { RequestRecord } from './request-record.js';

const PLAIN_ROUTES = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/swagger-ui',
]);

/**
 * A new request's record: its id (the caller's `x-request-id` when sane, else a fresh uuid) and
 * what its path says so far; the procedure hooks fill in the rest.
 */
export function openRequestRecord(req: IncomingMessage, path: string): RequestRecord {
  const requestId = requestIdOf(req);
  if (path.startsWith('/trpc/')) return { requestId, transport: 'trpc', procedure: 'unknown' };
  if (path.startsWith('/api/') || path.startsWith('/auth/')) {
    return { requestId, transport: 'rest', procedure: 'unknown' };
  }
  // Swagger UI's assets, under either of its paths, count as its page.
  const route = path.startsWith('/docs/')
    ? '/docs'
    : path.startsWith('/swagger-ui')
      ? '/swagger-ui'
      : path;
  return { requestId, transport: 'http', procedure: PLAIN_ROUTES.has(route) ? route : 'unmatched' };
}

/**
 * When the response has gone out: one log line and one observation. The line carries ids, the
 * procedure, status, code and latency — never a body, a header value or a query string, which is
 * where passwords, tokens and card numbers travel.
 */
export function closeRequestRecord(options: {
  record: RequestRecord;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  started: bigint;
  logger: Logger;
  metrics: HttpMetrics;
}): void {
  const { record, req, res } = options;
  const latencyMs = Number(process.hrtime.bigint() - options.started) / 1e6;
  const status = res.statusCode;
  // A procedure's own code when one ran; plain routes (and errors before one) by status.
  const code = record.code ?? (status < 400 ? 'OK' : 'ERROR');
  options.logger.info(
    {
      requestId: record.requestId,
      method: req.method,
      path: options.path,
      transport: record.transport,
      procedure: record.procedure,
      userId: record.userId,
      status,
      code,
      latencyMs: Math.round(latencyMs * 100) / 100,
    },
    'request',
  );
  options.metrics.observe({
    transport: record.transport,
    procedure: record.procedure,
    code,
    status,
    seconds: latencyMs / 1000,
  });
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
