import { DOMAIN_ERROR_CODES, type DomainErrorCode } from '@orders/core';
import { JSONRPC2_TO_HTTP_CODE } from '@trpc/server/unstable-core-do-not-import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restCall, restSignUp, type RestOutputs } from '../testing/rest-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';
import { trpcCodeFor } from '../trpc/domain-error-map.js';
import { restErrorBody } from './openapi-errors.js';

interface Example {
  readonly summary: string;
  readonly value: unknown;
}
interface Response {
  readonly description: string;
  readonly content: { 'application/json': { schema: unknown; examples: Record<string, Example> } };
}
interface Operation {
  readonly operationId: string;
  readonly security?: unknown;
  readonly requestBody?: {
    readonly content: { 'application/json': { schema: { examples?: Record<string, unknown>[] } } };
  };
  readonly responses: Record<string, Response>;
}
type Paths = Record<string, Record<'get' | 'post', Operation>>;

let server: TestServer;
let operations: { method: 'GET' | 'POST'; path: string; operation: Operation }[];
let adminToken: string;
let customerToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Paths };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method === 'get' ? ('GET' as const) : ('POST' as const),
      path,
      operation,
    })),
  );
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  customerToken = (await restSignUp(server.url, 'examples@example.com')).token;
});
afterAll(async () => {
  await server.close();
});

const statusesOf = (path: string, method: 'get' | 'post') =>
  Object.keys(
    operations.find((o) => o.path === path && o.method.toLowerCase() === method)?.operation
      .responses ?? {},
  );

describe('the error responses of the OpenAPI document', () => {
  it('declares 413 and 415 on every POST, 400 wherever there is input, 401 behind a token, 503 everywhere', () => {
    for (const { method, path, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      const where = `${method} ${path}`;
      if (method === 'POST')
        expect(statuses, where).toEqual(expect.arrayContaining(['413', '415']));
      else expect(statuses, where).not.toContain('413');
      if (operation.security !== undefined) expect(statuses, where).toContain('401');
      expect(statuses, where).toContain('500');
      expect(statuses, where).toContain('503');
    }
    expect(statusesOf('/api/orders/{id}', 'get')).toEqual([
      ...['200', '400', '401', '404', '500', '503'],
    ]);
    expect(statusesOf('/api/me', 'get')).toEqual(['200', '401', '500', '503']);
    expect(statusesOf('/auth/login', 'post')).toEqual([
      ...['200', '400', '401', '413', '415', '429', '500', '503'],
    ]);
    // 403 only where a customer can meet it: the admin operations.
    const forbidding = operations.filter((o) => '403' in o.operation.responses);
    expect(forbidding.map((o) => o.operation.operationId).sort()).toEqual([
      'inventory-adjust',
      'inventory-upsert',
      'ledger-verify',
      'refunds-create',
      'webhooks-create',
      'webhooks-delete',
      'webhooks-deliveries',
      'webhooks-list',
      'webhooks-redeliver',
      'webhooks-update',
    ]);
  });

  it('declares the 400 of every operation that refuses a query parameter it does not know', async () => {
    // A strict input with no fields (GET /api/webhooks) has no parameter to document, yet it
    // refuses `?unexpected=1`: a client reading the document alone must expect that 400.
    const gets = operations.filter((o) => o.method === 'GET' && !o.path.includes('{'));
    expect(gets.length).toBeGreaterThan(5);
    for (const { path, operation } of gets) {
      const answer = await restCall(server.url, 'GET', `${path}?unexpected=1`, {
        token: adminToken,
      });
      if (answer.status === 400) expect(Object.keys(operation.responses), path).toContain('400');
      else expect(answer.status, path).toBe(200);
    }
  });

  it('names in each response only domain codes the server answers with that status', () => {
    const named = operations.flatMap(({ operation }) =>
      Object.entries(operation.responses).flatMap(([status, response]) =>
        [...response.description.matchAll(/`([A-Z]+\.[A-Z_]+)`/g)].map(([, code]) => ({
          status: Number(status),
          code: code ?? '',
        })),
      ),
    );
    expect(named.length).toBeGreaterThan(20);
    for (const { status, code } of named) {
      expect(DOMAIN_ERROR_CODES, code).toContain(code);
      expect(JSONRPC2_TO_HTTP_CODE[trpcCodeFor[code as DomainErrorCode]], code).toBe(status);
    }
  });

  it('documents the error body exactly: closed objects, the top-level issues included', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      components: { schemas: { Error: Record<string, unknown> } };
    };
    const error = document.components.schemas.Error;
    expect(error).toMatchObject({
      additionalProperties: false,
      required: ['message', 'code', 'data'],
      properties: { data: { additionalProperties: false }, issues: { type: 'array' } },
    });
    const refused = await restCall(server.url, 'POST', '/auth/signup', { body: { email: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toHaveProperty('issues');
    expect(restErrorBody.safeParse(refused.body).error).toBeUndefined();
  });

  it("gives examples that are the server's own answers, body for body", async () => {
    const shapesOnly = new Set<string>();
    let compared = 0;
    for (const { method, path, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '200') continue;
        for (const [name, example] of Object.entries(
          response.content['application/json'].examples,
        )) {
          const request = requestFor(method, path, status, name, operation);
          if (request === undefined) {
            shapesOnly.add(status);
            continue;
          }
          const answer = await fetch(`${server.url}${request.path}`, request.init);
          const where = `${method} ${path} → ${status} ${name}`;
          expect(answer.status, where).toBe(Number(status));
          expect(await answer.json(), where).toEqual(example.value);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
    // Only the refusals that depend on state, and the faults, are examples of the shape alone
    // (failover.test.ts compares the 503 example with a real answer while no primary answers).
    expect([...shapesOnly].sort()).toEqual(['404', '409', '422', '429', '500', '503']);
  });
});

/**
 * The request each example describes, for the examples that name one exactly: the transport's
 * refusals and the empty input. Business refusals (404, 409, …) need state; their examples show
 * only the shape.
 */
function requestFor(
  method: 'GET' | 'POST',
  template: string,
  status: string,
  example: string,
  operation: Operation,
): { path: string; init: RequestInit } | undefined {
  const path = template.replace(/\{\w+\}/g, '!');
  const json = { 'content-type': 'application/json' };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const body = method === 'POST' ? '{}' : undefined;
  switch (`${status} ${example}`) {
    case '400 emptyInput':
      return { path, init: { method, headers: { ...json, ...as(adminToken) }, body } };
    case '400 noIdempotencyKey': {
      const keyless = documentedBodyWithoutKey(template, operation);
      const init = { method, headers: { ...json, ...as(adminToken) }, body: keyless.body };
      return { path: keyless.path, init };
    }
    case '400 malformedJson':
      return { path, init: { method, headers: json, body: '{"items":' } };
    case '401 refused':
      return template === '/auth/login'
        ? {
            path,
            init: {
              method,
              headers: json,
              body: JSON.stringify({ ...TEST_ADMIN, password: 'wrong-password' }),
            },
          }
        : { path, init: { method, headers: json, body } };
    case '403 refused':
      return { path, init: { method, headers: { ...json, ...as(customerToken) }, body } };
    case '413 refused':
      return {
        path,
        init: { method, headers: json, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) },
      };
    case '415 refused':
      return { path, init: { method, headers: { 'content-type': 'text/plain' }, body: 'hello' } };
    default:
      return undefined;
  }
}

/**
 * The operation's documented body example without its idempotency key, sent where the example
 * says: its path parameters (a refund's `orderId`) in the path, the rest in the body.
 */
function documentedBodyWithoutKey(
  template: string,
  operation: Operation,
): { path: string; body: string } {
  const [example] = operation.requestBody?.content['application/json'].schema.examples ?? [];
  if (example === undefined) throw new Error(`${template}: no documented body example`);
  const parameters = [...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = example[name];
    return typeof value === 'string' ? value : '!';
  });
  const body = Object.fromEntries(
    Object.entries(example).filter(
      ([name]) => name !== 'idempotencyKey' && !parameters.includes(name),
    ),
  );
  return { path, body: JSON.stringify(body) };
}
