import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import type { AppRouter } from '../router.js';
import type { Context } from '../trpc/context.js';

/** Request bodies above this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpServerOptions {
  readonly router: AppRouter;
  readonly createContext: (opts: { req: IncomingMessage }) => Promise<Context>;
  /** Whether the database answers; `/readyz` reports it. */
  readonly isReady: () => Promise<boolean>;
  readonly logger: Logger;
}

/**
 * One HTTP server: tRPC under `/trpc`, probes at `/healthz` and `/readyz`. Each request gets an
 * id (taken from `x-request-id` when the caller sent a sane one) and one log line when it ends.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const trpc = createHTTPHandler({
    router: options.router,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: options.createContext,
    onError: ({ error, path }) => {
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // Name only: a driver's message carries SQL and values.
      options.logger.error(
        { procedure: path, error: error.cause?.name ?? error.name },
        'procedure failed',
      );
    },
  });

  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      options.logger.info(
        { requestId, method: req.method, path: pathOf(req), status: res.statusCode, latencyMs },
        'request',
      );
    });
    const path = pathOf(req);
    if (path.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      options.isReady().then(
        (ready) => {
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable' });
        },
        () => {
          sendJson(res, 503, { status: 'database unavailable' });
        },
      );
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
