import type { IncomingMessage, ServerResponse } from 'node:http';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import type { AppRouter } from '../router.js';
import type { ProcedureHooks } from './request-record.js';

/**
 * The REST mirror (`/auth/…`, `/api/…`): trpc-to-openapi maps each method and path to the
 * procedure whose `meta.openapi` names it and calls it through the router — the same input
 * schema, middlewares (auth, roles), use case and error formatter as the tRPC endpoint. It maps
 * tRPC codes to HTTP statuses and keeps the formatter's `data` (so `data.domainCode`) in the body.
 */
export function createRestHandler(options: {
  router: AppRouter;
  hooks: ProcedureHooks;
  maxBodySize: number;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const { hooks } = options;
  const handle = createOpenApiNodeHttpHandler({
    router: options.router,
    createContext: hooks.createContext,
    onError: (opts) => {
      correctMediaTypeMessage(opts.error, opts.req);
      hooks.onError(opts);
    },
    responseMeta: hooks.responseMeta,
    maxBodySize: options.maxBodySize,
  });
  return (req, res) => {
    normaliseJsonContentType(req);
    parseQuery(req);
    handle(req, res).catch(() => {
      // The adapter answers every error itself; this is a last resort that leaks nothing.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The shape of every other REST error (openapi-errors.ts), so it too is as documented.
      const code = 'INTERNAL_SERVER_ERROR';
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ message: 'internal server error', code, data: { code, httpStatus: 500 } }),
      );
    });
  };
}

/** The message of a 415: what was sent, and what to send instead. */
export function unsupportedMediaTypeMessage(contentType: string): string {
  const type = (contentType.split(';', 1)[0] ?? '').trim().slice(0, 100);
  return `Unsupported content-type "${type}": send application/json`;
}

/**
 * The adapter's own 415 message has no closing quote (`Unsupported content-type "text/plain`).
 * It calls `onError` before it shapes the body from the error, so the message is put right here.
 */
function correctMediaTypeMessage(
  error: { readonly code: string; message: string },
  req: IncomingMessage,
): void {
  const type = req.headers['content-type'];
  if (error.code === 'UNSUPPORTED_MEDIA_TYPE' && type !== undefined) {
    error.message = unsupportedMediaTypeMessage(type);
  }
}

/** Query keys that name a prototype, not a field: dropped, never part of an input. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The adapter gathers query parameters in a plain object with `parsed[key] ??= []` and a push:
 * a key naming an `Object.prototype` member (`__proto__`, `constructor`, `toString`) finds the
 * inherited member instead, and the push throws (a 500 for any GET). It takes `req.query` as
 * already parsed when a framework set it, so it is given one parsed here: on an object without a
 * prototype, and without the keys that name one.
 */
function parseQuery(req: IncomingMessage & { query?: unknown }): void {
  const url = req.url ?? '/';
  let params: URLSearchParams;
  try {
    // The base the adapter uses; an unparseable URL is left for the adapter to refuse.
    params = new URL(url.startsWith('/') ? `http://127.0.0.1${url}` : url).searchParams;
  } catch {
    return;
  }
  const query = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of params) {
    if (PROTOTYPE_KEYS.has(key)) continue;
    (query[key] ??= []).push(value);
  }
  req.query = query;
}

/**
 * The adapter parses a body only when its type is exactly `application/json`, and refuses a POST
 * without a type. Clients send `application/json; charset=utf-8`, and body-less POSTs (cancel):
 * both are read as JSON here, which is what they are. A body-less POST without `Content-Length`
 * (`curl -X POST`) is given `Content-Length: 0`: its parser takes a request with neither that nor
 * `Transfer-Encoding` for one of unknown type, and refuses it (a 400 `PARSE_ERROR`).
 */
function normaliseJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined) {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? '0') > 0;
    if (!hasBody) {
      req.headers['content-type'] = 'application/json';
      req.headers['content-length'] = '0';
    }
    return;
  }
  if (/^application\/json\s*(;|$)/i.test(type)) req.headers['content-type'] = 'application/json';
}
