import { describeDomainError, type DomainError } from '@orders/core';
import { TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/unstable-core-do-not-import';
import { z } from 'zod';
import { trpcCodeFor } from '../trpc/domain-error-map.js';
import { formatError } from '../trpc/error-format.js';
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../trpc/service-unavailable.js';
import { unsupportedMediaTypeMessage } from './rest.js';

/**
 * The body of every REST error, exactly: closed objects, so a field the server sends and this
 * does not name is a contract violation (Prism's validating proxy reports it), and tests parse
 * real answers with it.
 */
export const restErrorBody = z
  .strictObject({
    message: z.string(),
    code: z.string().meta({ description: 'The tRPC error code (CONFLICT, NOT_FOUND, …)' }),
    data: z.strictObject({
      code: z.string().meta({ description: 'The same code' }),
      httpStatus: z.int(),
      path: z.string().optional().meta({ description: 'The procedure, e.g. orders.create' }),
      domainCode: z
        .string()
        .optional()
        .meta({ description: 'The business failure, e.g. INVENTORY.INSUFFICIENT_STOCK' }),
      details: z.record(z.string(), z.unknown()).optional().meta({ description: 'Its facts' }),
      issues: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .meta({
          description:
            'Why the input was refused, one entry per problem, its field as a dotted path ' +
            '(`items.0.sku`); tRPC clients get the same list',
        }),
    }),
    issues: z
      .array(
        z.looseObject({
          code: z.string(),
          path: z.array(z.union([z.string(), z.int()])),
          message: z.string(),
        }),
      )
      .optional()
      .meta({
        description:
          "The REST adapter's copy of the validator's (zod's) own report, on a schema refusal: " +
          'the problems of `data.issues`, with more detail. Prefer `data.issues`',
      }),
  })
  .meta({ description: 'An error: branch on `data.domainCode` when present' });

export type RestErrorBody = z.infer<typeof restErrorBody>;

/** What the document needs to know of one operation to list the errors it can answer. */
export interface OperationErrors {
  /** The procedure, e.g. `orders.create`. */
  readonly procedure: string;
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly isProtected: boolean;
  readonly hasInput: boolean;
  /** The business refusals the procedure declares (`meta.openapi.errorResponses`). */
  readonly refusals: Readonly<Record<string, string>>;
  /**
   * How the input schema refuses an empty input (`!` for each path parameter), if it does: the
   * example of a 400.
   */
  readonly emptyInputRefusal: z.ZodError | undefined;
  readonly maxBodyBytes: number;
}

const TRPC_CODE_OF_STATUS = {
  '400': 'BAD_REQUEST',
  '401': 'UNAUTHORIZED',
  '403': 'FORBIDDEN',
  '404': 'NOT_FOUND',
  '409': 'CONFLICT',
  '413': 'PAYLOAD_TOO_LARGE',
  '415': 'UNSUPPORTED_MEDIA_TYPE',
  '422': 'UNPROCESSABLE_CONTENT',
  '429': 'TOO_MANY_REQUESTS',
  '500': 'INTERNAL_SERVER_ERROR',
  '503': 'SERVICE_UNAVAILABLE',
} as const;
type ErrorStatus = keyof typeof TRPC_CODE_OF_STATUS;

const isErrorStatus = (status: string): status is ErrorStatus => status in TRPC_CODE_OF_STATUS;

/**
 * The statuses an operation answers because of how it is reached, whatever the procedure: an
 * input can be invalid, a token missing, a body too big or not JSON, the server at fault.
 */
function transportErrors(op: OperationErrors): Partial<Record<ErrorStatus, string>> {
  const post = op.method === 'post';
  return {
    ...(op.hasInput || post
      ? {
          '400':
            'Invalid input: `data.issues` names each refused field.' +
            (post ? ' Also a body that is not valid JSON (`PARSE_ERROR`).' : ''),
        }
      : {}),
    ...(op.isProtected
      ? { '401': 'No bearer token, or an invalid or expired one (`AUTH.UNAUTHENTICATED`).' }
      : {}),
    ...(post
      ? {
          '413': `A body over ${op.maxBodyBytes / 1024} KiB (\`PAYLOAD_TOO_LARGE\`).`,
          '415': 'A body sent as anything but `application/json` (`UNSUPPORTED_MEDIA_TYPE`).',
        }
      : {}),
    '500': 'An unexpected failure: a fixed message, never a stack trace or SQL.',
    '503':
      'No usable database right now (unreachable, or a failover under way): nothing was done, ' +
      'or it is unknown whether it was. Try again after `Retry-After` seconds (also ' +
      '`data.details.retryAfterSeconds`), with the same idempotency key.',
  };
}

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** Every error response of an operation, each with the real body's schema and an example. */
export function errorResponses(op: OperationErrors): Record<string, unknown> {
  const transport = transportErrors(op);
  const statuses = new Set([...Object.keys(transport), ...Object.keys(op.refusals)]);
  const responses = [...statuses].sort().map((status) => {
    if (!isErrorStatus(status)) throw new Error(`${op.procedure}: no error status ${status}`);
    const description = [transport[status], op.refusals[status]].filter(Boolean).join(' ');
    const examples = examplesFor(op, status, description);
    const content = { schema: { $ref: '#/components/schemas/Error' }, examples };
    const headers = status === '503' ? { headers: RETRY_AFTER_HEADER } : {};
    return [status, { description, ...headers, content: { 'application/json': content } }] as const;
  });
  return Object.fromEntries(responses);
}

/**
 * The body the server answers when the input schema refuses an input with `refusal`: the error
 * formatter's `data`, and what the REST adapter adds (its message, the string code, and zod's
 * issues as they are). Used for the document's examples, which a test compares with real answers.
 */
export function inputRefusalExample(procedure: string, refusal: z.ZodError): RestErrorBody {
  const code = 'BAD_REQUEST';
  const shape = {
    message: refusal.message,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: { code, httpStatus: 400, path: procedure },
  } as const;
  const { data } = formatError({ shape, error: new TRPCError({ code, cause: refusal }) });
  const { issues: fields, ...facts } = data;
  const issues = JSON.parse(JSON.stringify(refusal.issues)) as RestErrorBody['issues'];
  return {
    message: 'Input validation failed',
    code,
    data: { ...facts, ...(fields ? { issues: [...fields] } : {}) },
    issues,
  };
}

function examplesFor(
  op: OperationErrors,
  status: ErrorStatus,
  description: string,
): Record<string, { summary: string; value: RestErrorBody }> {
  const plain = (code: string, message: string, more: Partial<RestErrorBody['data']> = {}) => {
    const data = { code, httpStatus: Number(status), path: op.procedure, ...more };
    return { message, code, data };
  };
  const code = TRPC_CODE_OF_STATUS[status];
  switch (status) {
    case '400': {
      const examples: Record<string, { summary: string; value: RestErrorBody }> = {};
      if (op.emptyInputRefusal) {
        const value = inputRefusalExample(op.procedure, op.emptyInputRefusal);
        const parts = [
          op.method === 'post' ? 'the body `{}`' : undefined,
          op.path.includes('{') ? '`!` for each path parameter' : undefined,
        ];
        const summary = `With ${parts.filter(Boolean).join(' and ')}`;
        examples.emptyInput = { summary, value };
      }
      if (op.method === 'post') {
        const value = plain('PARSE_ERROR', 'Failed to parse request body');
        examples.malformedJson = { summary: 'A body that is not JSON', value };
      }
      return examples;
    }
    case '401':
      return {
        refused: {
          summary: op.isProtected ? 'No Authorization header' : 'A wrong password',
          value: domainExample(
            plain,
            op.isProtected
              ? { code: 'AUTH.UNAUTHENTICATED', reason: 'MISSING_TOKEN' }
              : { code: 'AUTH.INVALID_CREDENTIALS' },
          ),
        },
      };
    case '403':
      return {
        refused: {
          summary: 'A customer token',
          value: domainExample(plain, { code: 'AUTH.FORBIDDEN', requiredRole: 'ADMIN' }),
        },
      };
    case '413':
      return {
        refused: { summary: 'A body too big', value: plain(code, 'Request body too large') },
      };
    case '415': {
      const message = unsupportedMediaTypeMessage('text/plain');
      return { refused: { summary: 'A text/plain body', value: plain(code, message) } };
    }
    case '500':
      return { failed: { summary: 'Any failure', value: plain(code, 'internal server error') } };
    case '503': {
      const details = { retryAfterSeconds: RETRY_AFTER_SECONDS };
      const value = plain(code, SERVICE_UNAVAILABLE_MESSAGE, { details });
      return { unavailable: { summary: 'No database primary', value } };
    }
    case '404':
    case '409':
    case '422':
    case '429': {
      // The first domain code the description names. Its message states the facts (which SKU,
      // how many are available), which vary, so the example shows none.
      const domainCode = /`([A-Z]+\.[A-Z_]+)`/.exec(description)?.[1];
      const value = plain(code, REFUSED[status], domainCode === undefined ? {} : { domainCode });
      return { refused: { summary: domainCode ?? code, value } };
    }
  }
}

const REFUSED = {
  '404': 'Not found (the message names what).',
  '409': 'In conflict with the current state (the message says how).',
  '422': 'Refused (the message says why).',
  '429': 'Too many attempts (the message says when to try again).',
} as const;

/** An example of a domain refusal, with the message and facts the server sends for it. */
function domainExample(
  plain: (code: string, message: string, more: Partial<RestErrorBody['data']>) => RestErrorBody,
  error: DomainError,
): RestErrorBody {
  const { code: domainCode, ...details } = error;
  const more = { domainCode, ...(Object.keys(details).length > 0 ? { details } : {}) };
  return plain(trpcCodeFor[domainCode], describeDomainError(error), more);
}
