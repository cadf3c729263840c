import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { card } from '../testing/payment-fixtures.js';
import {
  restCall,
  restSignUp,
  type RestErrorBody,
  type RestOutputs,
} from '../testing/rest-client.js';
import { createTestClient, failure } from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';
import { restErrorBody } from './openapi-errors.js';

let server: TestServer;
let adminToken: string;
let buyer: string;

beforeAll(async () => {
  server = await startTestServer();
  const login = await restCall<RestOutputs['auth']['login']>(server.url, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  adminToken = login.body.accessToken;
  buyer = (await restSignUp(server.url, 'errors@example.com')).token;
  await restCall(server.url, 'POST', '/api/inventory', {
    token: adminToken,
    body: { sku: 'ERR-1', name: 'Err', priceCents: 500, onHand: 20 },
  });
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body: unknown, token?: string) =>
  restCall<RestErrorBody>(server.url, 'POST', path, { body, ...(token ? { token } : {}) });
const get = (path: string, token?: string) =>
  restCall<RestErrorBody>(server.url, 'GET', path, token ? { token } : {});
const placeOrder = async () =>
  (
    await restCall<RestOutputs['orders']['create']>(server.url, 'POST', '/api/orders', {
      token: buyer,
      body: { items: [{ sku: 'ERR-1', quantity: 1 }] },
    })
  ).body;

describe('REST errors: HTTP statuses and the same domain codes as tRPC', () => {
  it.each([
    ['invalid input', 400, 'BAD_REQUEST', undefined, () => post('/auth/signup', { email: 'x' })],
    ['no token', 401, 'UNAUTHORIZED', 'AUTH.UNAUTHENTICATED', () => get('/api/me')],
    ['a forged token', 401, 'UNAUTHORIZED', 'AUTH.UNAUTHENTICATED', () => get('/api/me', 'a.b.c')],
    [
      'a customer stocking',
      403,
      'FORBIDDEN',
      'AUTH.FORBIDDEN',
      () => post('/api/inventory', {}, buyer),
    ],
    [
      'an unknown order',
      404,
      'NOT_FOUND',
      'ORDER.NOT_FOUND',
      () => get(`/api/orders/${randomUUID()}`, buyer),
    ],
    [
      'an email taken',
      409,
      'CONFLICT',
      'AUTH.EMAIL_TAKEN',
      () => post('/auth/signup', { email: 'errors@example.com', password: 'another-password' }),
    ],
    [
      'too few in stock',
      409,
      'CONFLICT',
      'INVENTORY.INSUFFICIENT_STOCK',
      () => post('/api/orders', { items: [{ sku: 'ERR-1', quantity: 50 }] }, buyer),
    ],
    [
      'an unknown SKU',
      422,
      'UNPROCESSABLE_CONTENT',
      'ORDER.UNKNOWN_SKU',
      () => post('/api/orders', { items: [{ sku: 'NOPE-1', quantity: 1 }] }, buyer),
    ],
  ] as const)(
    'answers %s with %i %s and its domain code',
    async (_, status, code, domainCode, send) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ code, data: { code, httpStatus: status } });
      expect(response.body.data.domainCode).toBe(domainCode);
      // Exactly the body the OpenAPI document describes, no field more.
      expect(restErrorBody.safeParse(response.body).error).toBeUndefined();
    },
  );

  it('names the invalid fields, as tRPC does, without echoing their values', async () => {
    const rest = await post('/auth/signup', { email: 'not-an-email', password: 'short' });
    const trpc = await failure(
      createTestClient(server.url).auth.signup.mutate({ email: 'not-an-email', password: 'short' }),
    );
    expect(rest.body.data.issues).toEqual(trpc.data?.issues);
    expect(rest.body.data.issues?.map((issue) => issue.path)).toEqual(['email', 'password']);
    expect(rest.text).not.toContain('not-an-email');
  });

  it('rate-limits logins with 429 after five failures', async () => {
    const attempt = () => post('/auth/login', { email: 'errors@example.com', password: 'wrong-1' });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body.data.domainCode).toBe('AUTH.RATE_LIMITED');
  });

  it('refuses bodies over 64 KiB (413), non-JSON bodies (415) and malformed JSON (400)', async () => {
    const big = await post('/auth/signup', {
      email: 'big@example.com',
      password: 'x'.repeat(70_000),
    });
    expect(big.status).toBe(413);
    const text = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    const unsupported = restErrorBody.parse(await text.json());
    expect(unsupported.message).toBe(
      'Unsupported content-type "text/plain": send application/json',
    );
    const malformed = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"email":',
    });
    expect(malformed.status).toBe(400);
    expect(restErrorBody.parse(big.body).code).toBe('PAYLOAD_TOO_LARGE');
    expect(restErrorBody.parse(await malformed.json()).code).toBe('PARSE_ERROR');
  });

  it('names the refused content type in a 415, quotes balanced, parameters and excess cut', async () => {
    const send = async (type: string) => {
      const response = await fetch(`${server.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${buyer}` },
        body: 'x',
      });
      expect(response.status).toBe(415);
      return restErrorBody.parse(await response.json()).message;
    };
    expect(await send('text/csv; charset=utf-8')).toBe(
      'Unsupported content-type "text/csv": send application/json',
    );
    expect(await send(`text/${'x'.repeat(500)}`)).toHaveLength(
      'Unsupported content-type "": send application/json'.length + 100,
    );
  });

  it('refuses a deeply nested body as invalid input, as tRPC does', async () => {
    const depth = 20_000;
    const body = `{"email":${'['.repeat(depth)}${']'.repeat(depth)},"password":"long-enough-9"}`;
    for (const path of ['/auth/signup', '/trpc/auth.signup']) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status, path).toBe(400);
      expect(await response.text(), path).toContain('"path":"email"');
    }
  });

  it('answers an unknown path under /api with a 404 JSON error', async () => {
    const missing = await get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });
});

describe('the Idempotency-Key header on pay', () => {
  const pay = (orderId: string, headers: Record<string, string>, body: object = {}) =>
    restCall<RestOutputs['payments']['pay'] & RestErrorBody>(
      server.url,
      'POST',
      '/api/payment-processor/pay',
      { token: buyer, headers, body: { orderId, paymentMethod: card(), ...body } },
    );
  const paymentMethod = card();

  it('stands in for the body field, and a retry with it replays the same payment', async () => {
    const order = await placeOrder();
    const key = randomUUID();
    const first = await pay(order.id, { 'Idempotency-Key': key }, { paymentMethod });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('SUCCESS');
    const again = await pay(
      order.id,
      { 'Idempotency-Key': key },
      { paymentMethod, idempotencyKey: key },
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses a body key that differs from the header, and creates nothing', async () => {
    const order = await placeOrder();
    const refused = await pay(order.id, { 'Idempotency-Key': 'one' }, { idempotencyKey: 'two' });
    expect(refused.status).toBe(400);
    expect(refused.body.data.issues).toEqual([
      { path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' },
    ]);
    const payment = await get(`/api/payment-processor/${order.id}`, buyer);
    expect(payment.body.data.domainCode).toBe('PAYMENT.NOT_FOUND');
  });

  it('is still required somewhere: no header and no body key is invalid input', async () => {
    const order = await placeOrder();
    const refused = await pay(order.id, {});
    expect(refused.status).toBe(400);
    expect(refused.body.data.issues?.map((issue) => issue.path)).toEqual(['idempotencyKey']);
  });

  it('treats a reused key with another request as 422 IDEMPOTENCY.KEY_REUSED', async () => {
    const [a, b] = [await placeOrder(), await placeOrder()];
    const key = randomUUID();
    expect((await pay(a.id, { 'Idempotency-Key': key })).status).toBe(200);
    const reused = await pay(b.id, { 'Idempotency-Key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.data.domainCode).toBe('IDEMPOTENCY.KEY_REUSED');
  });
});

describe('hostile query strings and Authorization headers', () => {
  const raw = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${server.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as RestErrorBody };
  };

  it('drops query keys that name a prototype, whatever the procedure', async () => {
    const keys = '__proto__=&constructor=x&prototype=y&toString=z&hasOwnProperty=1';
    const admin = { authorization: `Bearer ${adminToken}` };
    const verified = await raw(`/api/ledger/verify?${keys}`, admin);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
    const listed = await raw(`/api/orders?${keys}&__proto__[role]=ADMIN&limit=1`, {
      authorization: `Bearer ${buyer}`,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ items: expect.any(Array) });
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it.each([
    ['a bare scheme', 'Bearer'],
    ['a scheme and a space', 'Bearer '],
    ['a lower-case bare scheme', 'bearer'],
    ['empty segments', 'Bearer ..'],
    ['two segments', 'Bearer a.b'],
    ['four segments', 'Bearer a.b.c.d'],
    ['a token and more', 'Bearer a.b.c extra'],
    ['an 8 kB token', `Bearer ${'a'.repeat(8_000)}.b.c`],
    ['another scheme', 'Basic YWRtaW46YWRtaW4='],
    ['an unknown scheme', 'Token abc'],
    ['only spaces', '   '],
  ])(
    'refuses an Authorization header with %s with 401, even beside a hostile query',
    async (_, header) => {
      for (const path of ['/api/ledger/verify?__proto__=', '/api/me', '/api/orders?constructor=']) {
        const refused = await raw(path, { authorization: header });
        expect(refused.status, path).toBe(401);
        expect(refused.body).toMatchObject({
          code: 'UNAUTHORIZED',
          data: { domainCode: 'AUTH.UNAUTHENTICATED' },
        });
      }
    },
  );
});
