import { compileErrors, validate } from '@readme/openapi-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appRouter } from '../router.js';
import { SKU_PATTERN, sku } from '../routers/input-fields.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type ApiDocument = Parameters<typeof validate>[0];

let server: TestServer;
let document: ApiDocument;

/** The value at `keys` in a document, read as a client reads plain JSON. */
function at(root: unknown, ...keys: string[]): unknown {
  let value = root;
  for (const key of keys) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}
const doc = (...keys: string[]): unknown => at(document, ...keys);
const keysAt = (...keys: string[]): string[] => Object.keys(doc(...keys) ?? {});

beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.headers.get('content-type')).toBe('application/json');
  document = (await response.json()) as ApiDocument;
});
afterAll(async () => {
  await server.close();
});

/** Every REST operation: method, path, the procedure behind it, and whether it needs a token. */
const OPERATIONS = [
  ['post', '/auth/signup', 'auth-signup', false],
  ['post', '/auth/login', 'auth-login', false],
  ['get', '/api/me', 'auth-me', true],
  ['get', '/api/products', 'products-list', false],
  ['get', '/api/products/{sku}', 'products-get', false],
  ['post', '/api/inventory', 'inventory-upsert', true],
  ['post', '/api/inventory/{sku}/adjustments', 'inventory-adjust', true],
  ['post', '/api/orders', 'orders-create', true],
  ['get', '/api/orders', 'orders-list', true],
  ['get', '/api/orders/{id}', 'orders-get', true],
  ['post', '/api/orders/{id}/cancel', 'orders-cancel', true],
  ['post', '/api/payment-processor/pay', 'payments-pay', true],
  ['get', '/api/payment-processor/{orderId}', 'payments-get', true],
  ['post', '/api/payment-processor/{orderId}/refunds', 'refunds-create', true],
  ['get', '/api/payment-processor/{orderId}/refunds', 'refunds-list', true],
  ['get', '/api/orders/{orderId}/ledger', 'ledger-forOrder', true],
  ['get', '/api/ledger/verify', 'ledger-verify', true],
  ['get', '/api/events', 'events-list', true],
  ['get', '/api/events/cursor', 'events-cursor', true],
  ['post', '/api/webhooks', 'webhooks-create', true],
  ['get', '/api/webhooks', 'webhooks-list', true],
  ['post', '/api/webhooks/{id}', 'webhooks-update', true],
  ['post', '/api/webhooks/{id}/delete', 'webhooks-delete', true],
  ['get', '/api/webhooks/{endpointId}/deliveries', 'webhooks-deliveries', true],
  ['post', '/api/webhooks/{endpointId}/redeliver', 'webhooks-redeliver', true],
] as const;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, as @readme/openapi-parser judges it', async () => {
    expect(doc('openapi')).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });

  it('is judged by a validator that does refuse a broken document', async () => {
    const broken = structuredClone(document);
    Object.assign(at(broken, 'paths', '/api/orders') ?? {}, { post: { responses: 'none' } });
    const result = await validate(broken);
    expect(result.valid).toBe(false);
  });

  it('has one operation per procedure: the seed paths and the rest of DESIGN §3', () => {
    const listed = keysAt('paths').flatMap((path) =>
      keysAt('paths', path).map((m) => [m, path, doc('paths', path, m, 'operationId')]),
    );
    expect(listed.sort()).toEqual(OPERATIONS.map(([m, p, id]) => [m, p, id]).sort());
  });

  it.each(OPERATIONS)(
    '%s %s asks for the bearer token exactly when it needs one',
    (m, p, _, auth) => {
      expect(doc('paths', p, m, 'security')).toEqual(auth ? [{ bearerAuth: [] }] : undefined);
    },
  );

  it('declares the bearer (JWT) security scheme', () => {
    expect(doc('components', 'securitySchemes')).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
  });

  it('takes request and response schemas from the zod inputs and outputs, with examples', () => {
    const create = ['paths', '/api/orders', 'post'];
    const body = at(doc(...create, 'requestBody', 'content'), 'application/json', 'schema');
    expect(body).toMatchObject({
      properties: { items: { type: 'array', minItems: 1, maxItems: 50 } },
      required: ['items'],
      examples: [{ items: [{ sku: 'MUG-01', quantity: 2 }] }],
    });
    expect(at(doc(...create, 'responses', '200', 'content'), 'application/json', 'schema')).toEqual(
      {
        $ref: '#/components/schemas/Order',
      },
    );
    const order = doc('components', 'schemas', 'Order');
    expect(at(order, 'properties', 'status', 'enum')).toContain('PENDING');
    expect(at(order, 'examples')).toHaveLength(1);
  });

  it("describes every operation and names a contact, as Spectral's spectral:oas asks", () => {
    expect(doc('info', 'contact')).toEqual({ name: expect.any(String) });
    for (const [method, path] of OPERATIONS) {
      const description = doc('paths', path, method, 'description');
      expect(typeof description === 'string' && description.length > 20, `${method} ${path}`).toBe(
        true,
      );
    }
  });

  it('says that pay needs an idempotency key, in the header or the body, and neither is a 400', () => {
    const pay = ['paths', '/api/payment-processor/pay', 'post'];
    // Both places optional, so a validating proxy passes a request that uses either one…
    const [header] = doc(...pay, 'parameters') as Record<string, unknown>[];
    expect(header).toMatchObject({ in: 'header', name: 'Idempotency-Key' });
    expect(header?.required).not.toBe(true);
    const body = at(doc(...pay, 'requestBody', 'content'), 'application/json', 'schema');
    expect(at(body, 'required')).toEqual(['orderId', 'paymentMethod']);
    // …and the words and the 400 say that one of them is required.
    expect(header?.description).toMatch(/Required in one of two places/);
    expect(at(body, 'properties', 'idempotencyKey', 'description')).toMatch(
      /one of the two is required/,
    );
    expect(doc(...pay, 'description')).toMatch(/idempotency key is required/);
    const examples = at(doc(...pay, 'responses', '400', 'content'), 'application/json', 'examples');
    expect(at(examples, 'noIdempotencyKey', 'value', 'data', 'issues')).toEqual([
      { path: 'idempotencyKey', message: expect.any(String) },
    ]);
  });

  it('says that a refund needs an idempotency key as pay does, and that only an admin may make one', () => {
    const create = ['paths', '/api/payment-processor/{orderId}/refunds', 'post'];
    const parameters = doc(...create, 'parameters') as Record<string, unknown>[];
    const header = parameters.find((parameter) => parameter.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header' });
    expect(header?.required).not.toBe(true);
    expect(header?.description).toMatch(/Required in one of two places/);
    const body = at(doc(...create, 'requestBody', 'content'), 'application/json', 'schema');
    expect(at(body, 'required')).toEqual(['reason']);
    expect(at(body, 'properties', 'idempotencyKey', 'description')).toMatch(
      /one of the two is required/,
    );
    const examples = at(
      doc(...create, 'responses', '400', 'content'),
      'application/json',
      'examples',
    );
    expect(at(examples, 'noIdempotencyKey', 'value', 'data', 'issues')).toEqual([
      { path: 'idempotencyKey', message: expect.any(String) },
    ]);
    expect(keysAt(...create, 'responses')).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422']),
    );
    expect(
      keysAt('paths', '/api/payment-processor/{orderId}/refunds', 'get', 'responses'),
    ).not.toContain('403');
  });

  it('documents the events: a list of types sent comma-separated, and each envelope by its type', () => {
    const [, types] = doc('paths', '/api/events', 'get', 'parameters') as Record<string, unknown>[];
    expect(types).toMatchObject({ name: 'types', in: 'query', style: 'form', explode: false });
    expect(at(types, 'schema', 'items', 'enum')).toContain('payment.succeeded');
    expect(doc('components', 'schemas', 'Event', 'discriminator', 'mapping')).toMatchObject({
      'order.confirmed': '#/components/schemas/OrderEvent',
      'payment.failed': '#/components/schemas/PaymentEvent',
      'refund.succeeded': '#/components/schemas/RefundEvent',
      'product.updated': '#/components/schemas/ProductEvent',
    });
    const object = ['components', 'schemas', 'PaymentEvent', 'properties', 'data', 'properties'];
    expect(doc(...object, 'object')).toEqual({ $ref: '#/components/schemas/Payment' });
  });

  it('publishes as the SKU pattern the check the server applies: any case, spaces around', () => {
    const patterns = skuPatterns();
    // Request bodies, path parameters, order lines and restock lines: found, and all the same.
    expect(patterns).toHaveLength(5);
    expect(new Set(patterns).size).toBe(1);
    const documented = new RegExp(String(patterns[0]), 'u');
    for (const value of ['MUG-01', 'mug-01', ' Mug_01 ', 'A'.repeat(64)]) {
      expect(documented.test(value), value).toBe(true);
      expect(sku.parse(value)).toMatch(SKU_PATTERN);
    }
    // Not a SKU, though `ſ`, `ı` and `ﬀ` upper-case into ASCII letters.
    for (const value of ['', '-A', 'A'.repeat(65), 'ſKU', 'ıD', 'ﬀ-1', 'MUG 01', 'MUG\u0000']) {
      expect(documented.test(value), value).toBe(false);
      expect(sku.safeParse(value).success, value).toBe(false);
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...SKU_ALPHABET), maxLength: 70 }), (value) => {
        expect(documented.test(value), JSON.stringify(value)).toBe(sku.safeParse(value).success);
      }),
      { numRuns: 2_000 },
    );
  });

  it('publishes as the card number pattern the check the server applies, spaces around included', () => {
    const card = ['paths', '/api/payment-processor/pay', 'post', 'requestBody', 'content'];
    const schema = at(doc(...card), 'application/json', 'schema', 'properties', 'paymentMethod');
    const documented = new RegExp(String(at(schema, 'properties', 'number', 'pattern')), 'u');
    const number = payInputShape().paymentMethod.shape.number;
    for (const value of ['4242424242424242', ' 4242 4242 4242 4242 ', '4242-4242-4242-4242\n']) {
      expect(documented.test(value), value).toBe(true);
      expect(number.safeParse(value).success, value).toBe(true);
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...CARD_ALPHABET), maxLength: 30 }),
        (value) => {
          expect(documented.test(value), JSON.stringify(value)).toBe(
            number.safeParse(value).success,
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

const SKU_ALPHABET = [
  'A',
  'z',
  '0',
  '9',
  '_',
  '-',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  'ſ',
  'ı',
  'ß',
  'ﬀ',
  '!',
];
const CARD_ALPHABET = ['4', '2', '0', ' ', '-', '\t', '\n', '\u2028', 'a', '+'];

/** Every pattern the document gives a SKU, wherever one is sent. */
function skuPatterns(): unknown[] {
  const bodyOf = (path: string) =>
    at(doc('paths', path, 'post', 'requestBody', 'content'), 'application/json', 'schema');
  const parameterOf = (path: string) =>
    (doc('paths', path, 'get', 'parameters') ?? doc('paths', path, 'post', 'parameters')) as {
      name: string;
      schema: unknown;
    }[];
  const skuParameter = (path: string) =>
    at(
      parameterOf(path).find((parameter) => parameter.name === 'sku'),
      'schema',
      'pattern',
    );
  return [
    at(bodyOf('/api/inventory'), 'properties', 'sku', 'pattern'),
    at(bodyOf('/api/orders'), 'properties', 'items', 'items', 'properties', 'sku', 'pattern'),
    at(
      bodyOf('/api/payment-processor/{orderId}/refunds'),
      ...['properties', 'restock', 'items', 'properties', 'sku', 'pattern'],
    ),
    skuParameter('/api/products/{sku}'),
    skuParameter('/api/inventory/{sku}/adjustments'),
  ];
}

/** The pay procedure's input fields, as the server validates them. */
function payInputShape() {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { inputs: [z.ZodObject<{ paymentMethod: z.ZodObject<{ number: z.ZodType }> }>] } }
  >;
  const pay = procedures['payments.pay'];
  if (pay === undefined) throw new Error('no payments.pay');
  return pay._def.inputs[0].shape;
}
