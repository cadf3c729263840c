import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../router.js';
import { logInAdmin, signUpCustomer } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { createContextFactory } from '../trpc/context.js';
import { closeServer, listen } from '../http/listen.js';
import { createProcedureHooks } from '../http/request-record.js';
import { MAX_BODY_BYTES } from '../http/server.js';
import { createTrpcFastPath } from './trpc-fast-path.js';

/**
 * The same requests to `createTrpcFastPath` (falling back to tRPC's adapter) and to tRPC's
 * standalone adapter alone, on the same services and database: the answers must agree in status,
 * content type and body (generated ids and instants masked), and the calls it claims must not
 * have reached the adapter.
 */
let server: TestServer;
let fast: Server;
let fastUrl: string;
let adapter: Server;
let adapterUrl: string;
let token: string;
const fellBack = new Set<string>();

beforeAll(async () => {
  server = await startTestServer();
  const createContext = createContextFactory(server.services);
  const reference = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext,
  });
  adapter = createServer(reference);
  adapterUrl = await listen(adapter, 0, '127.0.0.1');
  const hooks = createProcedureHooks({
    known: new Set(Object.keys(appRouter._def.procedures)),
    records: new WeakMap(),
    createContext,
    logger: pino({ level: 'silent' }),
  });
  const fallback = (req: IncomingMessage, res: ServerResponse) => {
    fellBack.add(req.url ?? '');
    reference(req, res);
  };
  fast = createServer(
    createTrpcFastPath({ router: appRouter, hooks, maxBodySize: MAX_BODY_BYTES, fallback }),
  );
  fastUrl = await listen(fast, 0, '127.0.0.1');
  const admin = await logInAdmin(server.url);
  await admin.inventory.upsert.mutate({
    sku: 'PARITY-1',
    name: 'Parity mug',
    priceCents: 1250,
    onHand: 1000,
  });
  ({ token } = await signUpCustomer(server.url, 'parity@example.com'));
});
afterAll(async () => {
  await closeServer(fast);
  await closeServer(adapter);
  await server.close();
});

interface Call {
  /** Left to tRPC's adapter: not a single JSON call of the procedure's own method. */
  readonly adapter?: true;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const json = { 'content-type': 'application/json' };
const authed = (headers: Record<string, string> = json) => ({
  ...headers,
  authorization: `Bearer ${token}`,
});
const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;
const order = JSON.stringify({ items: [{ sku: 'PARITY-1', quantity: 1 }] });

const CALLS: Record<string, Call> = {
  'a query without input': { path: 'products.list' },
  'a query with input': { path: `products.get?${input({ sku: 'PARITY-1' })}` },
  'a query for something missing': { path: `products.get?${input({ sku: 'NOPE-1' })}` },
  'a query with invalid input': { path: `products.get?${input({ sku: 5 })}` },
  'a query whose input is not JSON': { path: 'products.get?input=%7Bnope' },
  'a query that needs input and has none': { path: 'products.get' },
  'a query with an empty input': { path: 'products.get?input=' },
  'a query with a parameter beside input': {
    adapter: true,
    path: `products.get?${input({ sku: 'PARITY-1' })}&x=1`,
  },
  'a query as the caller': { path: 'auth.me', headers: authed({}) },
  'a query with a garbage token': { path: 'auth.me', headers: { authorization: 'Bearer a.b.c' } },
  'a query sent as a POST': {
    adapter: true,
    method: 'POST',
    path: 'products.list',
    headers: json,
    body: '{}',
  },
  'a query with a streaming accept header': {
    adapter: true,
    path: 'products.list',
    headers: { 'trpc-accept': 'application/jsonl' },
  },
  'a mutation': { method: 'POST', path: 'orders.create', headers: authed(), body: order },
  'a mutation with a charset': {
    method: 'POST',
    path: 'orders.create',
    headers: authed({ 'content-type': 'Application/JSON; charset=utf-8' }),
    body: order,
  },
  'a mutation with a byte-order mark': {
    method: 'POST',
    path: 'orders.create',
    headers: authed(),
    body: `\uFEFF${order}`,
  },
  'a mutation without a token': {
    method: 'POST',
    path: 'orders.create',
    headers: json,
    body: order,
  },
  'a mutation whose body is not JSON': {
    method: 'POST',
    path: 'orders.create',
    headers: authed(),
    body: '{"items": [',
  },
  'a mutation without a body': { method: 'POST', path: 'orders.create', headers: authed() },
  'a mutation with a body over the limit': {
    method: 'POST',
    path: 'orders.create',
    headers: authed(),
    body: JSON.stringify({ items: [], pad: 'x'.repeat(MAX_BODY_BYTES) }),
  },
  'a mutation refused by the domain': {
    method: 'POST',
    path: 'orders.create',
    headers: authed(),
    body: JSON.stringify({ items: [{ sku: 'PARITY-1', quantity: 1001 }] }),
  },
  'a mutation as text/plain': {
    adapter: true,
    method: 'POST',
    path: 'orders.create',
    headers: authed({ 'content-type': 'text/plain' }),
    body: order,
  },
  'a mutation without a content type': {
    adapter: true,
    method: 'POST',
    path: 'orders.create',
    headers: authed({}),
    body: order,
  },
  'a mutation sent as a GET': {
    adapter: true,
    path: `orders.create?${input({ items: [] })}`,
    headers: authed(),
  },
  'a batch': {
    adapter: true,
    method: 'POST',
    path: 'orders.create?batch=1',
    headers: authed(),
    body: JSON.stringify({ 0: JSON.parse(order) as unknown }),
  },
  'an unknown procedure': { adapter: true, path: 'nope.nothing' },
  'a prototype key as the procedure': { adapter: true, path: '__proto__' },
  'an encoded procedure name': { adapter: true, path: 'products%2Elist' },
};

describe('single tRPC calls answered without the Fetch API', () => {
  it.each(Object.keys(CALLS))('answers %s exactly as tRPC’s adapter does', async (name) => {
    const call = CALLS[name];
    if (call === undefined) throw new Error(`no call ${name}`);
    const [answer, reference] = await Promise.all([send(fastUrl, call), send(adapterUrl, call)]);
    expect(answer).toEqual(reference);
    expect(fellBack.has(`/trpc/${call.path}`)).toBe(call.adapter === true);
  });

  it('serves the real server’s single calls the same way', async () => {
    const call = CALLS['a mutation'];
    if (call === undefined) throw new Error('no mutation');
    expect(await send(server.url, call)).toEqual(await send(adapterUrl, call));
  });
});

async function send(base: string, call: Call) {
  const response = await fetch(`${base}/trpc/${call.path}`, {
    method: call.method ?? 'GET',
    headers: call.headers ?? {},
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    allow: response.headers.get('allow'),
    body: mask(JSON.parse(text) as unknown),
  };
}

/** Generated values (ids, instants) differ between two calls; their presence must not. */
function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      ['id', 'createdAt', 'expiresAt'].includes(key) ? typeof inner : mask(inner),
    ]),
  );
}
