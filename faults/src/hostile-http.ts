/** One HTTP request, byte for byte as the suite sends it. */
export interface HttpRequest {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | ReadableStream<Uint8Array>;
}

/** What came back; `status` is a failure word when nothing did. */
export interface Exchange {
  readonly request: HttpRequest;
  readonly status: number | 'timeout' | 'connection error';
  readonly body: string;
  readonly ms: number;
}

/** How long a request may take before it counts as a hang. */
export const ANSWER_WITHIN_MS = 10_000;

/** Node's limit on a request's line and headers (`--max-http-header-size`). */
const MAX_HEAD_BYTES = 16 * 1024;

function headBytes(request: HttpRequest): number {
  const headers = Object.entries(request.headers).map(
    ([name, value]) => name.length + value.length,
  );
  return request.path.length + headers.reduce((sum, n) => sum + n, 0);
}

/**
 * Sends a request and reads the whole answer. A write that fails with a reset is sent once more:
 * a pooled keep-alive socket the server closed a moment earlier fails that way before the request
 * reaches the server, while a server that resets this very request resets the second one too.
 */
export async function send(baseUrl: string, request: HttpRequest): Promise<Exchange> {
  const first = await sendOnce(baseUrl, request);
  const replayable = !(request.body instanceof ReadableStream);
  return first.status === 'connection error' && replayable ? sendOnce(baseUrl, request) : first;
}

async function sendOnce(baseUrl: string, request: HttpRequest): Promise<Exchange> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body, duplex: 'half' }),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    const body = await response.text();
    return { request, status: response.status, body, ms: elapsed() };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { request, status: timedOut ? 'timeout' : 'connection error', body: '', ms: elapsed() };
  }
}

/** Text that must never reach a client or a log: stack frames, file paths, PostgreSQL errors. */
const LEAKS: readonly RegExp[] = [
  /(?:\n|\\n)\s+at \S/,
  /\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)[^)]*:\d+:\d+\)/,
  /node_modules|file:\/\//,
  /violates (?:check|foreign key|unique|not-null) constraint/,
  /syntax error at or near|relation "|column "|duplicate key value/,
  /invalid input syntax for type|invalid byte sequence for encoding|SQLSTATE/,
  /\bselect\b.+\bfrom\b|\binsert into\b/i,
];
/** Internals a log line may name (the error's class) but a response body may not. */
const INTERNAL_NAMES = /DriverException|MikroORM|ConstraintViolation/;

/** The leaks in `text`: the patterns above, or any of the secrets verbatim. */
export function leaksIn(
  text: string,
  secrets: readonly string[],
  where: 'body' | 'log' = 'body',
): string[] {
  const patterns = where === 'body' ? [...LEAKS, INTERNAL_NAMES] : LEAKS;
  const found = patterns.filter((pattern) => pattern.test(text)).map(String);
  return [...found, ...secrets.filter((secret) => text.includes(secret)).map(() => 'a secret')];
}

export type Transport = 'trpc' | 'rest' | 'plain';

/**
 * Everything wrong with an answer: no answer in time, a 5xx, a success where a refusal was due,
 * a leak, or an error body clients cannot read (tRPC's `error.data` with the HTTP status and the
 * tRPC code, plus a namespaced `domainCode` when there is one; REST's `message` and `code`).
 */
export function problemsWith(
  exchange: Exchange,
  expect: { readonly transport: Transport; readonly mustRefuse: boolean },
  secrets: readonly string[],
): string[] {
  const { status, body } = exchange;
  if (status === 'connection error' && headBytes(exchange.request) > MAX_HEAD_BYTES) {
    // Node answers 431 to an oversized head and closes; a client still sending sees a reset.
    return [];
  }
  if (typeof status !== 'number') return [`no answer (${status} after ${exchange.ms} ms)`];
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}`);
  if (expect.mustRefuse && (status < 400 || status >= 500)) {
    problems.push(`status ${status} where the request had to be refused with a 4xx`);
  }
  problems.push(...leaksIn(body, secrets).map((leak) => `the body leaks ${leak}`));
  // 431 comes from Node's HTTP parser before any route runs; HEAD and 204 have no body.
  if (status === 431 || status === 204 || exchange.request.method === 'HEAD') return problems;
  const parsed = parseBody(body);
  if (parsed === undefined) return [...problems, 'the body is not JSON'];
  if (status >= 400) problems.push(...errorShapeProblems(parsed, status, expect.transport));
  return problems;
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function errorShapeProblems(parsed: unknown, status: number, transport: Transport): string[] {
  if (transport === 'plain') return isRecord(parsed) ? [] : ['an error body that is not an object'];
  if (transport === 'rest') {
    const ok = isRecord(parsed) && typeof parsed.message === 'string';
    return ok && typeof parsed.code === 'string' ? [] : ['a REST error without message and code'];
  }
  // A tRPC batch answers with one element per call.
  const errors = Array.isArray(parsed)
    ? parsed.filter((item) => isRecord(item) && 'error' in item)
    : [parsed];
  return errors.flatMap((item) => {
    const error = isRecord(item) ? item.error : undefined;
    const data = isRecord(error) ? error.data : undefined;
    if (!isRecord(error) || typeof error.message !== 'string' || !isRecord(data)) {
      return ['a tRPC error without message and data'];
    }
    const problems: string[] = [];
    if (typeof data.code !== 'string') problems.push('a tRPC error without data.code');
    if (typeof data.httpStatus !== 'number' || data.httpStatus >= 500) {
      problems.push(`a tRPC error with data.httpStatus ${String(data.httpStatus)}`);
    }
    if (!Array.isArray(parsed) && data.httpStatus !== status) {
      problems.push(`data.httpStatus ${String(data.httpStatus)} on a ${status} response`);
    }
    const { domainCode } = data;
    if (
      domainCode !== undefined &&
      !(typeof domainCode === 'string' && /^[A-Z]+\.[A-Z_]+$/.test(domainCode))
    ) {
      problems.push(`a malformed domainCode ${JSON.stringify(domainCode)}`);
    }
    return problems;
  });
}

/** The head and the tail of a long text (where a path's last query keys are). */
const shorten = (text: string, max = 400) =>
  text.length <= max
    ? text
    : `${text.slice(0, max * 0.7)}…${text.slice(-max * 0.3)} (${text.length} chars)`;

function describeBody(body: HttpRequest['body'], max: number): string {
  if (body === undefined) return '(no body)';
  if (typeof body === 'string') return JSON.stringify(shorten(body, max));
  if (body instanceof Uint8Array) {
    return `bytes ${shorten(Buffer.from(body).toString('hex'), max / 2)} (${body.length} bytes)`;
  }
  return '(a streamed body)';
}

/**
 * A request as a reproduction recipe: method, path, headers, body; each cut to `max` characters
 * (the console gets short ones, the JSON report long ones).
 */
export function describeRequest(request: HttpRequest, max = 400): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${shorten(value, max)}`)
    .join('; ');
  const { method, path, body } = request;
  return `${method} ${shorten(path, max)} [${headers}] ${describeBody(body, max)}`;
}

export function describeExchange(exchange: Exchange, max = 400): string {
  const { request, status, body } = exchange;
  return `${describeRequest(request, max)}\n  → ${String(status)} ${shorten(body, max)}`;
}
