import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../router.js';

/** What the REST mirror answers: the procedures' outputs, exactly. */
export type RestOutputs = inferRouterOutputs<AppRouter>;

/** The body of a REST error. */
export interface RestErrorBody {
  readonly message: string;
  readonly code: string;
  readonly data: {
    readonly code: string;
    readonly httpStatus: number;
    readonly domainCode?: string;
    readonly details?: Record<string, unknown>;
    readonly issues?: readonly { path: string; message: string }[];
  };
}

/**
 * A REST response, its body parsed when it is JSON (else the text). `T` is what the caller
 * expects, unchecked — as `response.json()` would be; assertions check it.
 */
export interface RestResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export interface RestOptions {
  readonly body?: unknown;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** One call to the REST mirror as a non-TypeScript client makes it: JSON over fetch. */
export async function restCall<T = unknown>(
  serverUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: RestOptions = {},
): Promise<RestResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${serverUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

/** Signs a customer up and logs in over REST; returns their token and id. */
export async function restSignUp(
  serverUrl: string,
  email: string,
  password = 'customer-password',
): Promise<{ token: string; userId: string }> {
  await restCall(serverUrl, 'POST', '/auth/signup', { body: { email, password } });
  const login = await restCall<RestOutputs['auth']['login']>(serverUrl, 'POST', '/auth/login', {
    body: { email, password },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return { token: login.body.accessToken, userId: login.body.user.id };
}
