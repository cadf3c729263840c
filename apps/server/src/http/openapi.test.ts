import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  ['get', '/api/orders/{orderId}/ledger', 'ledger-forOrder', true],
  ['get', '/api/ledger/verify', 'ledger-verify', true],
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

  it('documents the Idempotency-Key header on pay, the body key then being optional', () => {
    const pay = doc('paths', '/api/payment-processor/pay', 'post');
    expect(at(pay, 'parameters')).toEqual([
      expect.objectContaining({ in: 'header', name: 'Idempotency-Key' }),
    ]);
    const body = at(at(pay, 'requestBody', 'content'), 'application/json', 'schema');
    expect(at(body, 'required')).toEqual(['orderId', 'paymentMethod']);
  });

  it('documents error bodies with data.domainCode, and the statuses mutations can answer', () => {
    expect(keysAt('components', 'schemas', 'Error', 'properties', 'data', 'properties')).toContain(
      'domainCode',
    );
    const responses = ['paths', '/api/orders', 'post', 'responses'];
    expect(keysAt(...responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '409', '422', '500']),
    );
    expect(at(doc(...responses, '409', 'content'), 'application/json', 'schema')).toEqual({
      $ref: '#/components/schemas/Error',
    });
    expect(keysAt('paths', '/auth/login', 'post', 'responses')).toContain('429');
  });
});
