import fc from 'fast-check';
import { anonymous, bearer, type CaseWorld } from './hostile-cases.js';
import type { HttpRequest, Transport } from './hostile-http.js';
import { judge, type HostileCase } from './hostile-request.js';
import { badTokens, type TokenChoice } from './hostile-tokens.js';
import { hostileInputs, hostileSegments, percentEncode, writeJson } from './hostile-values.js';

/** A request outside the procedures' own shapes: batches, unknown paths, other methods. */
export interface StrayRequest {
  readonly label: 'batch' | 'path or method';
  readonly request: HttpRequest;
  readonly transport: Transport;
}

const STRAY_NAMES = [
  'nope',
  '__proto__',
  'constructor',
  'toString',
  'auth',
  'auth.',
  '.auth.me',
  'auth.me.x',
  'AUTH.ME',
  'auth.__proto__',
  'auth..me',
];

/**
 * Batches of up to a dozen calls (every mutation in one proven refused by the oracle), and
 * requests to paths and with methods no procedure has.
 */
export function strayRequests(world: CaseWorld): fc.Arbitrary<StrayRequest> {
  const { procedures } = world;
  const tokens = fc.oneof(
    fc.constantFrom<TokenChoice>(
      anonymous,
      bearer('owner', world.tokens.owner),
      bearer('admin', world.tokens.admin),
    ),
    badTokens(world.tokenFacts),
  );
  const call = fc.record({
    name: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...procedures.map((p) => p.path)) },
      { weight: 1, arbitrary: fc.constantFrom(...STRAY_NAMES) },
    ),
    input: hostileInputs.map((tree) => (tree === undefined ? undefined : writeJson(tree))),
  });
  const refusedOrHarmless = (
    calls: { name: string; input: string | undefined }[],
    token: TokenChoice,
  ) =>
    calls.every(({ name, input }) => {
      const procedure = procedures.find((p) => p.path === name);
      if (procedure?.type !== 'mutation') return true;
      const c: HostileCase = {
        category: 'garbage input',
        procedure,
        transport: 'trpc',
        token,
        input,
        segments: {},
      };
      return judge(c, procedures) !== undefined;
    });
  const batch = fc
    .record({
      calls: fc.array(call, { minLength: 1, maxLength: 12 }),
      token: tokens,
      post: fc.boolean(),
    })
    .filter(({ calls, token }) => refusedOrHarmless(calls, token))
    .map(({ calls, token, post }): StrayRequest => {
      const inputs = `{${calls.map(({ input }, i) => `"${i}":${input ?? 'null'}`).join(',')}}`;
      const names = calls.map(({ name }) => percentEncode(name)).join(',');
      const headers: Record<string, string> = token.authorization
        ? { authorization: token.authorization }
        : {};
      const request: HttpRequest = post
        ? {
            method: 'POST',
            path: `/trpc/${names}?batch=1`,
            headers: { ...headers, 'content-type': 'application/json' },
            body: inputs,
          }
        : { method: 'GET', path: `/trpc/${names}?batch=1&input=${percentEncode(inputs)}`, headers };
      return { label: 'batch', request, transport: 'trpc' };
    });

  const restPaths = fc
    .tuple(fc.constantFrom(...procedures.map((p) => p.rest.path)), hostileSegments)
    .map(([path, segment]) => path.replace(/\{\w+\}/g, segment));
  const paths = fc.oneof(
    restPaths,
    restPaths.map((path) => path.toUpperCase()),
    fc.constantFrom(...STRAY_NAMES).map((name) => `/trpc/${percentEncode(name)}`),
    hostileSegments.map((segment) => `/api/${segment}`),
    hostileSegments.map((segment) => `/auth/${segment}`),
    hostileSegments.map((segment) => `/trpc/${segment}`),
    fc.constantFrom(
      '/',
      '/trpc',
      '/api',
      '/docs/../openapi.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '//api//orders',
    ),
  );
  const stray = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: paths,
      token: tokens,
      body: hostileInputs.map((tree) => (tree === undefined ? undefined : writeJson(tree))),
    })
    .map(({ method, path, token, body }): StrayRequest => {
      const headers: Record<string, string> = token.authorization
        ? { authorization: token.authorization }
        : {};
      const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
      const request: HttpRequest = hasBody
        ? { method, path, headers: { ...headers, 'content-type': 'application/json' }, body }
        : { method, path, headers };
      // Classified by the path the server will see: fetch resolves `%2e%2e` and `..` first.
      const { pathname } = new URL(path, 'http://host');
      const transport: Transport = pathname.startsWith('/trpc/')
        ? 'trpc'
        : /^\/(api|auth)\//.test(pathname)
          ? 'rest'
          : 'plain';
      return { label: 'path or method', request, transport };
    });
  return fc.oneof(batch, stray);
}

/** A request past a size limit and the status that must answer it. */
export interface OversizedRequest {
  readonly request: HttpRequest;
  readonly transport: Transport;
  readonly status: 413 | 431;
}

/**
 * Bodies of 70 KB, 5 MB and 50 MB (the limit is 64 KiB) and a 20 MB chunked one, to both
 * transports, signed in and not; then a URL and headers past Node's 16 KiB limit on the head.
 */
export function oversizedRequests(ownerToken: string): OversizedRequest[] {
  const owner = { authorization: `Bearer ${ownerToken}` };
  const targets = [
    { path: '/trpc/auth.login', transport: 'trpc', headers: {} },
    { path: '/auth/login', transport: 'rest', headers: {} },
    { path: '/trpc/orders.create', transport: 'trpc', headers: owner },
    { path: '/api/payment-processor/pay', transport: 'rest', headers: owner },
  ] as const;
  const filler = Buffer.alloc(50_000_000, 'a');
  const jsonOf = (size: number) =>
    new Uint8Array(
      Buffer.concat([Buffer.from('{"email":"'), filler.subarray(0, size), Buffer.from('"}')]),
    );
  const bodies = targets.flatMap(({ path, transport, headers }) =>
    [jsonOf(70_000), jsonOf(5_000_000), jsonOf(50_000_000), chunked(20_000_000)].map(
      (body): OversizedRequest => ({
        request: {
          method: 'POST',
          path,
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        },
        transport,
        status: 413,
      }),
    ),
  );
  const longInput = percentEncode(JSON.stringify({ sku: 'A'.repeat(100_000) }));
  const heads: HttpRequest[] = [
    { method: 'GET', path: `/trpc/products.get?input=${longInput}`, headers: {} },
    {
      method: 'GET',
      path: '/trpc/auth.me',
      headers: { authorization: `Bearer ${'a'.repeat(100_000)}` },
    },
    { method: 'GET', path: '/api/me', headers: { 'x-padding': 'a'.repeat(100_000) } },
  ];
  return [
    ...bodies,
    ...heads.map((request) => ({ request, transport: 'trpc' as const, status: 431 as const })),
  ];
}

/** A body streamed in 64 KiB chunks, with no content-length. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(65_536).fill(0x61);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) {
        controller.close();
        return;
      }
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}
