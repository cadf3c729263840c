import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  TRPCError,
  type AnyProcedure,
} from '@trpc/server/unstable-core-do-not-import';
import type { AppRouter } from '../router.js';
import type { Context } from '../trpc/context.js';
import type { ProcedureHooks } from '../http/request-record.js';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A procedure name as clients send it: no encoding, no batch (`a,b`), no slashes. */
const PLAIN_PATH = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;
const PREFIX = '/trpc/';

/**
 * The tRPC fast path (`TRPC_FAST_PATH`, on by default): tRPC's HTTP protocol for the call nearly
 * every client makes — one query (GET, input in the
 * query string) or one mutation (POST, a JSON body) — answered on Node's own request and
 * response. tRPC's adapter turns each request into a Fetch API `Request` and its answer into a
 * `Response` (headers, web streams, abort signals): about 0.3 ms of CPU per call, a third of a
 * plain procedure's. Everything else — batches, other content types, streaming, HEAD, a method
 * the procedure does not take, an unknown or encoded path — goes to `fallback`, tRPC's adapter,
 * unchanged.
 *
 * What runs is tRPC's own: its procedure call (middlewares, input parsing and validation, output
 * validation), its error shape (with this router's formatter) and status mapping, and the same
 * `createContext`, `onError` and `responseMeta` hooks; the answer is the adapter's, byte for byte
 * in its body (a test sends the same requests to both).
 */
export function createTrpcFastPath(options: {
  readonly router: AppRouter;
  readonly hooks: ProcedureHooks;
  readonly maxBodySize: number;
  readonly fallback: NodeHandler;
}): NodeHandler {
  const { router, hooks, maxBodySize, fallback } = options;
  const config = router._def._config;
  // The router's procedures by dotted path (at run time `_def.procedures` is flat, whatever its
  // type says; this router has no lazy sub-routers). Anything else falls back.
  const procedures = new Map(
    Object.entries(router._def.procedures as unknown as Record<string, AnyProcedure>),
  );

  async function call(
    req: IncomingMessage,
    res: ServerResponse,
    procedure: AnyProcedure,
    call: { path: string; rawInput: () => Promise<unknown> },
  ): Promise<void> {
    const type = procedure._def.type as 'query' | 'mutation';
    let ctx: Context | undefined;
    let input: unknown;
    let json: object;
    let errors: TRPCError[] = [];
    try {
      ctx = await hooks.createContext({ req });
      const getRawInput = async () => (input = await call.rawInput());
      const data = (await procedure({
        path: call.path,
        getRawInput,
        ctx,
        type,
        signal: undefined,
        batchIndex: 0,
      })) as unknown;
      json = { result: { data } };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      hooks.onError({ error, path: call.path, req });
      errors = [error];
      json = { error: getErrorShape({ config, ctx, error, input, path: call.path, type }) };
    }
    const { headers } = hooks.responseMeta({ ctx, paths: [call.path], errors });
    const body = JSON.stringify(transformTRPCResponse(config, json as never));
    res.statusCode = getHTTPStatusCode(json as never, errors);
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.setHeader('vary', 'trpc-accept, accept');
    res.setHeader('content-type', 'application/json');
    res.end(body);
  }

  return (req, res) => {
    const target = plainCall(req);
    const procedure = target === undefined ? undefined : procedures.get(target.path);
    const type = procedure?._def.type;
    if (
      target === undefined ||
      procedure === undefined ||
      (type !== 'query' && type !== 'mutation') ||
      req.method !== METHOD_OF[type] ||
      !acceptsAsJson(req, type)
    ) {
      fallback(req, res);
      return;
    }
    const rawInput =
      type === 'query'
        ? lazy(() => parseInput(target.input))
        : lazy(() => readBody(req, maxBodySize).then(parseInput));
    call(req, res, procedure, { path: target.path, rawInput }).catch(() => {
      // Only a bug gets here (the call answers its own errors): answer as the adapter does.
      if (res.headersSent) {
        res.end();
        return;
      }
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: INTERNAL_ERROR_SHAPE }));
    });
  };
}

const INTERNAL_ERROR_SHAPE = {
  message: 'internal server error',
  code: -32603,
  data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
};

/**
 * The procedure path and raw `input` of a plain call, or undefined for anything else: a query
 * string other than one `input`, a path with encoding or a batch, a streaming accept header.
 */
function plainCall(req: IncomingMessage): { path: string; input: string | undefined } | undefined {
  const url = req.url ?? '';
  if (!url.startsWith(PREFIX) || req.headers['trpc-accept'] !== undefined) return undefined;
  const query = url.indexOf('?');
  const path = url.slice(PREFIX.length, query === -1 ? undefined : query);
  if (!PLAIN_PATH.test(path)) return undefined;
  if (query === -1) return { path, input: undefined };
  const params = new URLSearchParams(url.slice(query + 1));
  let input: string | undefined;
  for (const [key, value] of params) {
    if (key !== 'input' || input !== undefined) return undefined;
    input = value;
  }
  return { path, input };
}

/**
 * Whether the adapter would read this call as JSON: a mutation's body must say
 * `application/json` (parameters and case aside); a query may say nothing.
 */
function acceptsAsJson(req: IncomingMessage, type: 'query' | 'mutation'): boolean {
  const contentType = req.headers['content-type'];
  if (contentType === undefined) return type === 'query';
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/** JSON text → input, as the adapter parses it: absent or empty is no input. */
function parseInput(text: string | undefined): unknown {
  return text === undefined || text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * The input, read and parsed once, when the procedure first asks for it (after its auth
 * middleware): an unauthenticated call never has its body read. A parse failure is a
 * BAD_REQUEST carrying the parser's message, as in the adapter.
 */
function lazy(read: () => unknown): () => Promise<unknown> {
  let value: Promise<unknown> | undefined;
  return () =>
    (value ??= Promise.resolve()
      .then(read)
      .catch((cause: unknown) => {
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: cause instanceof Error ? cause.message : 'Invalid input',
          cause,
        });
      }));
}

/** UTF-8 as `Request.text()` decodes it: a leading BOM dropped, bad bytes replaced. */
const utf8 = new TextDecoder();

/** The body as text; PAYLOAD_TOO_LARGE as soon as it passes `max` bytes (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(new TRPCError({ code: 'PAYLOAD_TOO_LARGE' }));
    };
    const onEnd = () => {
      stop();
      resolve(utf8.decode(Buffer.concat(chunks)));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
