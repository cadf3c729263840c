import { Agent } from 'undici';

/** What the tRPC client reads of a response (its `ResponseEsque`). */
interface JsonResponse {
  readonly ok: boolean;
  json(): Promise<unknown>;
}

/**
 * A `fetch` for the tRPC client on undici's dispatcher (`request`), with kept-alive connections.
 * The load generator shares the machine with the server and PostgreSQL, and what it spends the
 * server is measured without: Node's global fetch (the Fetch API's streams and signals over the
 * same undici) costs about three times the CPU per request, `node:http` about one and a half
 * (measured: 133 against 89 µs a request). Requests and responses are the same bytes on the wire.
 */
export function createHttpFetch(
  connections: number,
): (url: string | URL | Request, init?: RequestInit) => Promise<JsonResponse> {
  const dispatcher = new Agent({ connections, pipelining: 1 });
  return async (url, init = {}) => {
    const target = new URL(typeof url === 'string' || url instanceof URL ? url : url.url);
    const { statusCode, body } = await dispatcher.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? init.body : null,
    });
    const text = await body.text();
    return {
      ok: statusCode >= 200 && statusCode < 300,
      json: () => Promise.resolve(JSON.parse(text) as unknown),
    };
  };
}
