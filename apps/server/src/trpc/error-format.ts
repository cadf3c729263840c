import type { TRPCError } from '@trpc/server';
import type { DefaultErrorShape } from '@trpc/server/unstable-core-do-not-import';
import { DomainFailure } from './domain-error-map.js';
import { RETRY_AFTER_SECONDS } from './service-unavailable.js';

/** One problem with the input, as a client can show it. The rejected value is never echoed. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export interface ErrorData {
  readonly code: DefaultErrorShape['data']['code'];
  readonly httpStatus: number;
  readonly path?: string;
  /** The namespaced domain code (`INVENTORY.INSUFFICIENT_STOCK`, …) clients switch on. */
  readonly domainCode?: string;
  /** The facts behind a domain error (sku, requested, available, …). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Why the input was refused, one entry per field. */
  readonly issues?: readonly InputIssue[];
}

const INTERNAL_MESSAGE = 'internal server error';

/**
 * Shapes every error a client sees: the domain code and facts when it is a business failure, the
 * field problems when the input was invalid, and for anything unexpected a fixed message — a
 * driver's message carries SQL and values, and never leaves the server.
 */
export function formatError({
  shape,
  error,
}: {
  shape: DefaultErrorShape;
  error: TRPCError;
}): DefaultErrorShape & { data: ErrorData } {
  const base: ErrorData = {
    code: shape.data.code,
    httpStatus: shape.data.httpStatus,
    ...(shape.data.path === undefined ? {} : { path: shape.data.path }),
  };
  const { cause } = error;
  if (cause instanceof DomainFailure) {
    const { code, ...details } = cause.domainError;
    return {
      ...shape,
      data: { ...base, domainCode: code, ...(Object.keys(details).length ? { details } : {}) },
    };
  }
  const issues = inputIssuesOf(cause);
  if (error.code === 'BAD_REQUEST' && issues) {
    return { ...shape, message: 'invalid input', data: { ...base, issues } };
  }
  if (error.code === 'SERVICE_UNAVAILABLE') {
    // How long to wait, also in the body: a client reading `data` need not read the headers.
    return { ...shape, data: { ...base, details: { retryAfterSeconds: RETRY_AFTER_SECONDS } } };
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    return { ...shape, message: INTERNAL_MESSAGE, data: base };
  }
  return { ...shape, data: base };
}

function inputIssuesOf(cause: unknown): InputIssue[] | undefined {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  if (!Array.isArray(cause.issues)) return undefined;
  return cause.issues.map((issue: unknown) => {
    const record = (typeof issue === 'object' && issue !== null ? issue : {}) as {
      path?: unknown;
      message?: unknown;
    };
    const path = Array.isArray(record.path) ? record.path.map(String).join('.') : '';
    const message = typeof record.message === 'string' ? record.message : 'invalid';
    return { path, message };
  });
}
