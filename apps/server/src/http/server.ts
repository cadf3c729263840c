import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import { createTrpcFastPath } from '../fast-paths/trpc-fast-path.js';
import type { AppMetrics } from '../metrics/app-metrics.js';
import type { AppRouter } from '../router.js';
import type { Context, ContextRequest } from '../trpc/context.js';
import { RETRY_AFTER_SECONDS } from '../trpc/service-unavailable.js';
import { createDocsHandler } from './docs.js';
import { buildOpenApiDocument } from './openapi.js';
import { closeRequestRecord, openRequestRecord } from './request-log.js';
import { createProcedureHooks, type RequestRecord } from './request-record.js';
import { createRestHandler } from './rest.js';

/** Request bodies above this are refused (413) before they are parsed, on both transports. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpServerOptions {
  readonly router: AppRouter;
  readonly createContext: (opts: ContextRequest) => Promise<Context>;
  /** Whether a writable database primary answers; `/readyz` reports it. */
  readonly isReady: () => Promise<boolean>;
  readonly logger: Logger;
  readonly metrics: AppMetrics;
  /** Answer single tRPC calls on Node's request/response (`TRPC_FAST_PATH`); else all go through tRPC's adapter. */
  readonly trpcFastPath: boolean;
}

/**
 * One HTTP server: tRPC under `/trpc`, its REST mirror under `/auth` and `/api`, the OpenAPI
 * document at `/openapi.json`, Swagger UI at `/docs` (and `/swagger-ui/index.html`, as the Spring
 * Boot seed had it), Prometheus at `/metrics`, probes at
 * `/healthz` and `/readyz`. Each request gets an id (taken from `x-request-id` when the caller
 * sent a sane one, and returned in it), one log line and one metrics observation when it ends.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { router, logger, metrics } = options;
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  const hooks = createProcedureHooks({
    known: new Set(Object.keys(router._def.procedures)),
    records,
    createContext: options.createContext,
    logger,
  });
  const trpcAdapter = createHTTPHandler({
    router,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: hooks.createContext,
    onError: hooks.onError,
    responseMeta: hooks.responseMeta,
  });
  // The fast path answers single JSON calls without the adapter's Fetch API round trip and hands
  // the rest to it; switched off, every call goes through the adapter.
  const trpc = options.trpcFastPath
    ? createTrpcFastPath({ router, hooks, maxBodySize: MAX_BODY_BYTES, fallback: trpcAdapter })
    : trpcAdapter;
  const rest = createRestHandler({ router, hooks, maxBodySize: MAX_BODY_BYTES });
  const openApiJson = JSON.stringify(
    buildOpenApiDocument(router, { maxBodyBytes: MAX_BODY_BYTES }),
  );
  const docs = createDocsHandler();

  const routePlain = (path: string, res: ServerResponse): void => {
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      // Ready: a writable primary answers (see `Database.ping`); a load balancer then sends traffic.
      const answer = (ready: boolean) => {
        if (!ready) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable' });
      };
      options.isReady().then(answer, () => {
        answer(false);
      });
      return;
    }
    if (path === '/openapi.json') {
      sendText(res, 200, JSON_TYPE, openApiJson);
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          sendText(res, 200, metrics.registry.contentType, text);
        },
        () => {
          sendText(res, 500, 'text/plain', 'metrics unavailable');
        },
      );
      return;
    }
    if (docs(path, res)) return;
    sendJson(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = pathOf(req);
    const record = openRequestRecord(req, path);
    records.set(req, record);
    res.setHeader('x-request-id', record.requestId);
    res.on('finish', () => {
      closeRequestRecord({ record, req, res, path, started, logger, metrics: metrics.http });
      // Closing, the server waits for its connections to end; a kept-alive one would instead
      // carry the client's next request (an event stream's reconnection, say) and never end.
      if (!server.listening) req.socket.end();
    });
    if (record.transport === 'trpc') trpc(req, res);
    else if (record.transport === 'rest') rest(req, res);
    else routePlain(path, res);
  });
  return server;
}

const JSON_TYPE = 'application/json';

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON_TYPE, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
