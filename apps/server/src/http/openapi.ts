import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { z } from 'zod';
import type { AppRouter } from '../router.js';
import { orderOutput, productOutput, userOutput } from '../routers/output-schemas.js';
import { paymentOutput } from '../routers/payment-schemas.js';

/** The body of every REST error: trpc-to-openapi's fields plus the error formatter's `data`. */
const errorBody = z
  .looseObject({
    message: z.string(),
    code: z.string().meta({ description: 'The tRPC error code (CONFLICT, NOT_FOUND, …)' }),
    data: z.looseObject({
      code: z.string(),
      httpStatus: z.int(),
      path: z.string().optional().meta({ description: 'The procedure, e.g. orders.create' }),
      domainCode: z
        .string()
        .optional()
        .meta({ description: 'The business failure, e.g. INVENTORY.INSUFFICIENT_STOCK' }),
      details: z.record(z.string(), z.unknown()).optional().meta({ description: 'Its facts' }),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'Why the input was refused, one entry per field' }),
    }),
  })
  .meta({ description: 'An error: branch on `data.domainCode` when present' });

/** One example error per HTTP status the mirror answers with. */
const ERROR_EXAMPLES: Readonly<Record<string, readonly [string, string, string | undefined]>> = {
  '400': ['Invalid input', 'BAD_REQUEST', undefined],
  '401': [
    'Missing, expired or invalid token; wrong email or password',
    'UNAUTHORIZED',
    'AUTH.UNAUTHENTICATED',
  ],
  '403': ['Needs the ADMIN role', 'FORBIDDEN', 'AUTH.FORBIDDEN'],
  '404': ['Not found (or not yours)', 'NOT_FOUND', 'ORDER.NOT_FOUND'],
  '409': ['Conflicts with the current state', 'CONFLICT', 'INVENTORY.INSUFFICIENT_STOCK'],
  '422': ['Well-formed but refused', 'UNPROCESSABLE_CONTENT', 'IDEMPOTENCY.KEY_REUSED'],
  '429': ['Too many attempts; wait a minute', 'TOO_MANY_REQUESTS', 'AUTH.RATE_LIMITED'],
  '500': ['Internal server error', 'INTERNAL_SERVER_ERROR', undefined],
};

/**
 * The OpenAPI 3.1 document of the REST mirror, generated from the procedures' `meta.openapi` and
 * zod schemas. Error responses are rewritten to the real error body (the generator only knows
 * `{ message, code }`) and extended with the statuses mutations and login can answer.
 */
export function buildOpenApiDocument(router: AppRouter): OpenAPIObject {
  const document = generateOpenApiDocument(router, {
    title: 'orders',
    version: '1.0.0',
    description:
      'Orders and payments. Every operation mirrors a tRPC procedure (same rules, same errors). ' +
      'Log in, then send `Authorization: Bearer <accessToken>`. Money is integer cents.',
    baseUrl: '/',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    tags: ['auth', 'catalogue', 'inventory', 'orders', 'payments', 'ledger'],
    defs: {
      User: userOutput,
      Product: productOutput,
      Order: orderOutput,
      Payment: paymentOutput,
      Error: errorBody,
    },
  });
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!isOperation(operation)) continue;
      operation.responses = withErrorResponses(operation.responses, method, path);
      if (path === PAY_PATH) optionalInBody(operation, 'idempotencyKey');
    }
  }
  // The generator's own error schemas, now referenced by nothing.
  const { components } = document;
  if (components?.schemas) {
    const kept = Object.entries(components.schemas).filter(([name]) => !name.startsWith('error.'));
    components.schemas = Object.fromEntries(kept);
  }
  return document;
}

const PAY_PATH = '/api/payment-processor/pay';

interface Operation {
  responses: Record<string, unknown>;
  requestBody?: unknown;
}

function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && 'responses' in value;
}

/**
 * The pay body may leave out `idempotencyKey` when the `Idempotency-Key` header carries it
 * (idempotency-header.ts); the schema, shared with tRPC, has to require it.
 */
function optionalInBody(operation: Operation, field: string): void {
  const schema = readPath(operation.requestBody, ['content', 'application/json', 'schema']);
  const required = readPath(schema, ['required']);
  if (typeof schema === 'object' && schema !== null && Array.isArray(required)) {
    Object.assign(schema, { required: required.filter((name) => name !== field) });
  }
}

function readPath(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function withErrorResponses(
  responses: Record<string, unknown>,
  method: string,
  path: string,
): Record<string, unknown> {
  const statuses = new Set(Object.keys(responses).filter((status) => status !== '200'));
  if (method === 'post') ['409', '422'].forEach((status) => statuses.add(status));
  if (path === '/auth/login') ['401', '429'].forEach((status) => statuses.add(status));
  const errors = [...statuses].sort().map((status) => [status, errorResponse(status)] as const);
  return { '200': responses['200'], ...Object.fromEntries(errors) };
}

function errorResponse(status: string) {
  const [description, code, domainCode] = ERROR_EXAMPLES[status] ?? ['Error', 'ERROR', undefined];
  const example = {
    message: description,
    code,
    data: { code, httpStatus: Number(status), ...(domainCode === undefined ? {} : { domainCode }) },
  };
  return {
    description,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/Error' }, example },
    },
  };
}
