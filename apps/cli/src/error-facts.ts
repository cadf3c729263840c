/**
 * Reads what failed out of an unknown thrown value, by shape rather than by class: checking
 * `instanceof TRPCClientError` would load the tRPC client on every run, even `--version`.
 */

/** A tRPC error as the server formats it (apps/server `trpc/error-format.ts`). */
export interface ApiErrorFacts {
  readonly code: string;
  readonly message: string;
  readonly domainCode: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  /** Lines for `--verbose`. */
  readonly detail: readonly string[];
}

type Bag = Readonly<Record<string, unknown>>;
const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export function isTrpcClientError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'TRPCClientError';
}

/** The server's answer, when the error is one; `undefined` for anything else. */
export function apiErrorOf(error: unknown): ApiErrorFacts | undefined {
  if (!isTrpcClientError(error) || !('data' in error) || !isBag(error.data)) return undefined;
  const data = error.data;
  const code = text(data.code);
  if (code === undefined) return undefined;
  const domainCode = text(data.domainCode);
  const details = isBag(data.details) ? data.details : {};
  const issues = Array.isArray(data.issues)
    ? data.issues
        .filter(isBag)
        .map((i) => ({ path: text(i.path) ?? '', message: text(i.message) ?? 'invalid' }))
    : [];
  const detail = [
    `procedure: ${text(data.path) ?? '?'}`,
    `status: ${typeof data.httpStatus === 'number' ? data.httpStatus : '?'} ${code}`,
    ...(domainCode === undefined ? [] : [`domain code: ${domainCode}`]),
    ...(Object.keys(details).length > 0 ? [`details: ${JSON.stringify(details)}`] : []),
    `server message: ${error.message}`,
  ];
  return { code, message: error.message, domainCode, details, issues, detail };
}

const reasonByCode: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
};

/** Why the request never got an answer, when that is what happened. */
export function networkFailureOf(error: unknown): { reason: string; detail: string[] } | undefined {
  if (!isTrpcClientError(error)) return undefined;
  const chain = causesOf(error);
  const detail = chain.slice(1).map((e) => `cause: ${describe(e)}`);
  for (const cause of chain) {
    if (!isBag(cause)) continue;
    const name = text(cause.name);
    if (name === 'TimeoutError') return { reason: 'no answer in time', detail };
    const code = text(cause.code);
    if (code !== undefined && code in reasonByCode)
      return { reason: reasonByCode[code] ?? code, detail };
  }
  // undici's generic failure with a cause we do not know: still a transport problem.
  const first = chain[1];
  if (first instanceof TypeError && first.message === 'fetch failed') {
    return { reason: 'request failed', detail };
  }
  return undefined;
}

/**
 * Why a plain `fetch` got no answer, in a few words (`connection refused`, `host not found`),
 * when the error says; otherwise its message.
 */
export function transportFailureOf(error: unknown): string {
  for (const cause of causesOf(error)) {
    if (!isBag(cause)) continue;
    if (text(cause.name) === 'TimeoutError') return 'no answer in time';
    const code = text(cause.code);
    if (code !== undefined && code in reasonByCode) return reasonByCode[code] ?? code;
  }
  const chain = causesOf(error);
  const last = chain.at(-1);
  return last instanceof Error ? last.message : String(last);
}

/** The error, its causes, and the members of any AggregateError (one per address tried). */
function causesOf(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.length < 10) {
    const next = queue.shift();
    if (next === undefined || seen.includes(next)) continue;
    seen.push(next);
    if (isBag(next) && 'cause' in next) queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
  }
  return seen;
}

function describe(error: unknown): string {
  if (!isBag(error)) return String(error);
  const parts = [text(error.name), text(error.code), text(error.message)].filter(
    (p) => p !== undefined,
  );
  return parts.join(' ');
}

/** True when `error` is the server's answer with this domain code (`PAYMENT.NOT_FOUND`, …). */
export function hasDomainCode(error: unknown, domainCode: string): boolean {
  return apiErrorOf(error)?.domainCode === domainCode;
}
