import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { z } from 'zod';
import type { AppRouter } from '../router.js';
import { orderOutput, productOutput, userOutput } from '../routers/output-schemas.js';
import { paymentOutput } from '../routers/payment-schemas.js';
import { refundOutput } from '../routers/refund-schemas.js';
import { errorResponses, inputRefusalExample, restErrorBody } from './openapi-errors.js';

/**
 * The OpenAPI 3.1 document of the REST mirror, generated from the procedures' `meta.openapi` and
 * zod schemas. Each operation's error responses are rebuilt: the statuses its transport can
 * answer (invalid input, no token, a body too big or not JSON, a fault) and the business
 * refusals its procedure declares in `meta.openapi.errorResponses`, all with the real error body
 * (the generator only knows `{ message, code }`) and examples of it.
 */
export function buildOpenApiDocument(
  router: AppRouter,
  options: { maxBodyBytes: number },
): OpenAPIObject {
  const document = generateOpenApiDocument(router, {
    title: 'orders',
    version: '1.0.0',
    description:
      'Orders and payments. Every operation mirrors a tRPC procedure (same rules, same errors). ' +
      'Log in, then send `Authorization: Bearer <accessToken>`. Money is integer cents.',
    contact: { name: 'The orders maintainers' },
    baseUrl: '/',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    tags: [
      'auth',
      'catalogue',
      'inventory',
      'orders',
      'payments',
      'refunds',
      'ledger',
      'events',
      'webhooks',
    ],
    defs: {
      User: userOutput,
      Product: productOutput,
      Order: orderOutput,
      Payment: paymentOutput,
      Refund: refundOutput,
      Error: restErrorBody,
    },
  });
  for (const route of restRoutes(router)) {
    const operation = readPath(document.paths, [route.path, route.method]);
    if (!isOperation(operation)) throw new Error(`${route.procedure}: not in the document`);
    operation.responses = {
      '200': operation.responses['200'],
      ...errorResponses({
        ...route,
        isProtected: operation.security !== undefined,
        // Any input schema can refuse: one with no fields still refuses a query parameter it
        // does not know (a strict one), and has no parameter in the document to say so.
        hasInput: route.input !== undefined,
        emptyInputRefusal: refusalOf(route.input, placeholders(route.path)),
        maxBodyBytes: options.maxBodyBytes,
      }),
    };
    if (KEYED_WRITES.has(`${route.method} ${route.path}`)) describeIdempotencyKey(operation, route);
    sendArraysCommaSeparated(operation);
  }
  // The generator's own error schemas, now referenced by nothing.
  const { components } = document;
  if (components?.schemas) {
    const kept = Object.entries(components.schemas).filter(([name]) => !name.startsWith('error.'));
    components.schemas = Object.fromEntries(kept);
  }
  return document;
}

/** The writes whose idempotency key may come in the header instead of the body. */
const KEYED_WRITES = new Set([
  'post /api/payment-processor/pay',
  'post /api/payment-processor/{orderId}/refunds',
]);

interface Operation {
  responses: Record<string, unknown>;
  requestBody?: unknown;
  parameters?: readonly unknown[];
  security?: unknown;
}

function isOperation(value: unknown): value is Operation {
  return typeof value === 'object' && value !== null && 'responses' in value;
}

/** One REST operation, as its procedure declares it. */
interface RestRoute {
  readonly procedure: string;
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly input: z.ZodType | undefined;
  readonly refusals: Readonly<Record<string, string>>;
}

/** The procedures with a `meta.openapi` route, read as plain data. */
function restRoutes(router: AppRouter): RestRoute[] {
  return Object.entries(router._def.procedures).flatMap(([procedure, value]) => {
    const def = readPath(value, ['_def']);
    const openapi = readPath(def, ['meta', 'openapi']);
    const method = readPath(openapi, ['method']);
    const path = readPath(openapi, ['path']);
    if ((method !== 'GET' && method !== 'POST') || typeof path !== 'string') return [];
    const inputs = readPath(def, ['inputs']);
    const [input] = Array.isArray(inputs) ? (inputs as z.ZodType[]) : [];
    const refusals = readPath(openapi, ['errorResponses']) ?? {};
    return [
      {
        procedure,
        method: method === 'GET' ? 'get' : 'post',
        path,
        input,
        refusals: refusals as Record<string, string>,
      },
    ];
  });
}

/** A value no path parameter accepts (neither a uuid nor a SKU), for the examples. */
const placeholders = (path: string): Record<string, string> =>
  Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name ?? '', '!']));

/** Why the input refuses `value`, if it does. */
function refusalOf(input: z.ZodType | undefined, value: unknown): z.ZodError | undefined {
  return input?.safeParse(value).error;
}

/**
 * A keyed write's body (pay, refund) may leave out `idempotencyKey` when the `Idempotency-Key`
 * header carries it
 * (idempotency-header.ts); the schema, shared with tRPC, has to require it. OpenAPI cannot say
 * "one of the two", so both are optional here, the descriptions say one is required, and the 400
 * response shows the answer to a request with neither.
 */
function describeIdempotencyKey(operation: Operation, route: RestRoute): void {
  const schema = readPath(operation.requestBody, ['content', 'application/json', 'schema']);
  const required = readPath(schema, ['required']);
  if (typeof schema === 'object' && schema !== null && Array.isArray(required)) {
    const optional = required.filter((name) => name !== 'idempotencyKey');
    Object.assign(schema, { required: optional });
  }
  const [example] = (readPath(schema, ['examples']) ?? []) as Record<string, unknown>[];
  const { idempotencyKey: _, ...withoutKey } = example ?? {};
  const refusal = refusalOf(route.input, withoutKey);
  const examples = readPath(operation.responses, [
    '400',
    'content',
    'application/json',
    'examples',
  ]);
  if (refusal === undefined || typeof examples !== 'object' || examples === null) {
    throw new Error(`${route.procedure}: the example without a key should be refused, under a 400`);
  }
  Object.assign(examples, {
    noIdempotencyKey: {
      summary: 'Neither an `Idempotency-Key` header nor `idempotencyKey` in the body',
      value: inputRefusalExample(route.procedure, refusal),
    },
  });
}

/**
 * A query parameter holding a list (`types` of `GET /api/events`) is one comma-separated value,
 * `types=a,b` (`style: form, explode: false`), as the server reads it; it also takes the
 * parameter repeated, which is what the generator's default would have documented.
 */
function sendArraysCommaSeparated(operation: Operation): void {
  for (const parameter of operation.parameters ?? []) {
    if (
      readPath(parameter, ['in']) === 'query' &&
      readPath(parameter, ['schema', 'type']) === 'array'
    ) {
      Object.assign(parameter as object, { style: 'form', explode: false });
    }
  }
}

/** The value at `keys`, read through objects and functions (a procedure is one). */
function readPath(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' && typeof current !== 'function') return undefined;
    if (current === null || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
