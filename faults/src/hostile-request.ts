import type { Procedure } from './hostile-procedures.js';
import type { HttpRequest } from './hostile-http.js';
import type { TokenChoice } from './hostile-tokens.js';
import { parseJson, percentEncode } from './hostile-values.js';

export type Category =
  'garbage input' | 'poisoned field' | 'foreign ids' | 'bad token' | 'malformed body';

/** One hostile call of one procedure, before it becomes bytes. */
export interface HostileCase {
  readonly category: Category;
  readonly procedure: Procedure;
  readonly transport: 'trpc' | 'rest';
  readonly token: TokenChoice;
  /** The input as JSON text (possibly not valid JSON); undefined sends none. */
  readonly input: string | undefined;
  /** REST path parameters, already encoded; the others are taken from the input. */
  readonly segments: Readonly<Record<string, string>>;
  readonly idempotencyHeader?: string;
  /** Sent instead of the input: a body that is not JSON, or JSON under a type that is not. */
  readonly framing?: { readonly body: Uint8Array; readonly contentType?: string };
  /** Built to name nothing that exists. */
  readonly foreign?: boolean;
}

/**
 * Why the server must refuse a case: the token, the role, the route, the body's framing, the
 * input schema, a NUL bound for a text column, the idempotency header, or ids naming nothing.
 */
export type Refusal =
  | 'token'
  | 'role'
  | 'ghost'
  | 'no route'
  | 'media type'
  | 'malformed'
  | 'schema'
  | 'stored NUL'
  | 'header mismatch'
  | 'foreign';

const JSON_TYPE = 'application/json';
const PATH_PARAM = /\{(\w+)\}/g;

export function toRequest(c: HostileCase): HttpRequest {
  const headers: Record<string, string> = {};
  if (c.token.authorization !== undefined) headers.authorization = c.token.authorization;
  if (c.idempotencyHeader !== undefined) headers['idempotency-key'] = c.idempotencyHeader;
  const { procedure } = c;
  const method =
    c.transport === 'trpc' ? (procedure.type === 'query' ? 'GET' : 'POST') : procedure.rest.method;
  const base =
    c.transport === 'trpc'
      ? `/trpc/${procedure.path}`
      : procedure.rest.path.replace(
          PATH_PARAM,
          (_, name: string) => c.segments[name] ?? segmentFrom(c.input, name),
        );
  if (method === 'GET') {
    const text = c.framing ? new TextDecoder().decode(c.framing.body) : c.input;
    const query = c.transport === 'trpc' ? trpcQuery(text) : restQuery(text);
    return { method, path: `${base}${query}`, headers };
  }
  if (c.framing) {
    if (c.framing.contentType !== undefined) headers['content-type'] = c.framing.contentType;
    return { method, path: base, headers, body: c.framing.body };
  }
  headers['content-type'] = JSON_TYPE;
  return { method, path: base, headers, ...(c.input === undefined ? {} : { body: c.input }) };
}

const trpcQuery = (text: string | undefined) =>
  text === undefined ? '' : `?input=${percentEncode(text)}`;

/** A REST query string: each top-level field as `key=value`, non-strings as their JSON. */
function restQuery(text: string | undefined): string {
  if (text === undefined) return '';
  const parsed = parseJson(text);
  if (!parsed || !isPlainObject(parsed.value)) return `?${percentEncode(text)}`;
  const pairs = Object.entries(parsed.value).map(
    ([key, value]) => `${percentEncode(key)}=${percentEncode(queryValue(value))}`,
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function segmentFrom(input: string | undefined, name: string): string {
  const parsed = input === undefined ? undefined : parseJson(input);
  if (!parsed || !isPlainObject(parsed.value)) return 'x';
  const value = parsed.value[name];
  return value === undefined ? 'x' : percentEncode(queryValue(value));
}

/** A value as URL text: a string as it is, anything else as its JSON (too deep for that: a stub). */
function queryValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return '[deep]';
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The oracle: why the server must refuse this case, or undefined when it may accept it. It
 * rebuilds the input the procedure will see exactly as the adapters do (tRPC's parsed body; the
 * REST mirror's `Object.assign({}, body, pathParams)`; the Idempotency-Key header merge), then
 * asks the procedure's own schema. REST queries are not judged on input (query strings are
 * coerced): only token and route.
 */
export function judge(c: HostileCase, procedures: readonly Procedure[]): Refusal | undefined {
  const request = toRequest(c);
  let pathInput: Record<string, string> = {};
  if (c.transport === 'rest') {
    const route = routeOf(request, procedures);
    if (route === undefined) return 'no route';
    if (route.procedure !== c.procedure) return undefined;
    pathInput = route.params;
  }
  const byToken = tokenRefusal(c);
  if (byToken) return byToken;
  // Without an input schema the input is never read; REST query strings are not modelled.
  if (!c.procedure.takesInput) return c.foreign ? 'foreign' : undefined;
  if (c.transport === 'rest' && request.method === 'GET') return undefined;

  let text = c.input;
  if (c.framing) {
    const type = c.framing.contentType;
    const isJson = type !== undefined && /^application\/json\s*(;|$)/i.test(type);
    if (request.method === 'POST' && !isJson) return 'media type';
    // Both adapters decode UTF-8 as TextDecoder does: a BOM dropped, bad bytes replaced.
    text = new TextDecoder().decode(c.framing.body);
  }
  // An empty body or `?input=` is no input at all, to both adapters.
  const parsed = text === undefined || text === '' ? { value: undefined } : parseJson(text);
  if (!parsed) return 'malformed';
  let input: unknown =
    c.transport === 'rest' ? Object.assign({}, parsed.value, pathInput) : parsed.value;

  const header = c.idempotencyHeader?.trim();
  if (header !== undefined && c.procedure.facts.idempotencyHeader && isPlainObject(input)) {
    const inBody = input.idempotencyKey;
    if (inBody !== undefined && inBody !== header) return 'header mismatch';
    input = { ...input, idempotencyKey: header };
  }
  if (!c.procedure.accepts(input)) return 'schema';
  const storedText = c.procedure.facts.storedText ?? [];
  const carriesNul = (field: string) => {
    const value = isPlainObject(input) ? input[field] : undefined;
    return typeof value === 'string' && value.includes('\u0000');
  };
  if (storedText.some(carriesNul)) return 'stored NUL';
  return c.foreign ? 'foreign' : undefined;
}

function tokenRefusal(c: HostileCase): Refusal | undefined {
  const { caller } = c.token;
  switch (c.procedure.facts.access) {
    case 'public':
      return undefined;
    case 'user':
      if (caller === 'anonymous' || caller === 'forged') return 'token';
      return caller === 'ghost' && c.procedure.type === 'mutation' ? 'ghost' : undefined;
    case 'admin':
      if (caller === 'anonymous' || caller === 'forged') return 'token';
      return caller === 'admin' ? undefined : 'role';
  }
}

/** The REST route a request lands on, matched as trpc-to-openapi does (normalised, any case). */
function routeOf(request: HttpRequest, procedures: readonly Procedure[]) {
  const pathname = new URL(request.path, 'http://host').pathname;
  const normalised = `/${pathname.replace(/^\/|\/$/g, '')}`;
  for (const procedure of procedures) {
    if (procedure.rest.method !== request.method) continue;
    const pattern = procedure.rest.path.replace(
      PATH_PARAM,
      (_, name: string) => `(?<${name}>[^/]+)`,
    );
    const match = new RegExp(`^${pattern}$`, 'i').exec(normalised);
    if (match) return { procedure, params: { ...match.groups } };
  }
  return undefined;
}
