import type { IncomingMessage } from 'node:http';
import type { TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import type { Transport } from '../metrics/http-metrics.js';
import type { Context, ContextRequest } from '../trpc/context.js';
import { retryAfterHeaders } from '../trpc/service-unavailable.js';

/**
 * What one request turned out to be, filled in while it is handled; the server logs and counts it
 * when the response ends. Every field is safe to log: ids and codes, never input.
 */
export interface RequestRecord {
  readonly requestId: string;
  readonly transport: Transport;
  /** A known procedure path, a plain route, or `unknown`: a bounded set, fit for a metric label. */
  procedure: string;
  /** The tRPC code of the first error; unset when the call succeeded. */
  code?: string;
  userId?: string;
}

type CreateContext = (opts: ContextRequest) => Promise<Context>;

/** The hooks both tRPC adapters take, wired to fill in each request's record. */
export interface ProcedureHooks {
  readonly createContext: CreateContext;
  readonly onError: (opts: {
    error: TRPCError;
    path: string | undefined;
    req: IncomingMessage;
  }) => void;
  readonly responseMeta: (opts: {
    ctx?: Context;
    paths: readonly string[] | undefined;
    errors: readonly TRPCError[];
  }) => { headers?: Record<string, string> };
}

/**
 * Hooks that record, for each request, who called (from the context), which procedure ran and
 * how it ended (from `onError` / `responseMeta`, which both the tRPC and the REST adapter call).
 * Procedure names outside `known` (a mistyped URL) are recorded as `unknown`, so a client cannot
 * mint new metric series.
 */
export function createProcedureHooks(options: {
  known: ReadonlySet<string>;
  records: WeakMap<IncomingMessage, RequestRecord>;
  createContext: CreateContext;
  logger: Logger;
}): ProcedureHooks {
  const { known, records } = options;
  const byContext = new WeakMap<Context, RequestRecord>();
  const nameOf = (paths: readonly string[]): string => {
    if (paths.length > 1) return 'batch';
    const [path] = paths;
    return path !== undefined && known.has(path) ? path : 'unknown';
  };

  return {
    createContext: async (opts) => {
      const ctx = await options.createContext(opts);
      const record = records.get(opts.req);
      if (record) {
        byContext.set(ctx, record);
        if (ctx.caller.kind === 'user') record.userId = ctx.caller.subject.userId;
      }
      return ctx;
    },
    onError: ({ error, path, req }) => {
      const record = records.get(req);
      if (record) {
        record.code ??= error.code;
        if (path !== undefined) record.procedure = nameOf(path.split(','));
      }
      if (error.code === 'SERVICE_UNAVAILABLE' && error.cause !== undefined) {
        // The database is unavailable: one line per call, the error's name and code only.
        options.logger.warn(
          { requestId: record?.requestId, procedure: path, error: faultOf(error.cause) },
          'database unavailable',
        );
        return;
      }
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // Name only: a driver's message carries SQL and values.
      options.logger.error(
        { requestId: record?.requestId, procedure: path, error: error.cause?.name ?? error.name },
        'procedure failed',
      );
    },
    responseMeta: ({ ctx, paths, errors }) => {
      const record = ctx === undefined ? undefined : byContext.get(ctx);
      if (record) {
        if (paths !== undefined) record.procedure = nameOf(paths);
        const [first] = errors;
        if (first) record.code ??= first.code;
      }
      const headers = retryAfterHeaders(errors);
      return headers === undefined ? {} : { headers };
    },
  };
}

/** An error's name and code (a SQLSTATE or a socket error): never its message, which may carry SQL. */
function faultOf(cause: Error): string {
  const code = 'code' in cause && typeof cause.code === 'string' ? ` ${cause.code}` : '';
  return `${cause.name}${code}`;
}
