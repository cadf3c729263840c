import { Agent, request } from 'node:http';

/** What the tRPC client reads of a response (its `ResponseEsque`). */
interface JsonResponse {
  readonly ok: boolean;
  json(): Promise<unknown>;
}

/**
 * A `fetch` for the tRPC client made of `node:http` with kept-alive connections. The load
 * generator shares the machine with the server and PostgreSQL: Node's global fetch (undici, the
 * Fetch API's streams and signals) costs it about three times the CPU per request, which the
 * server would then be measured without. Requests and responses are the same bytes on the wire.
 */
export function createHttpFetch(
  maxSockets: number,
): (url: string | URL | Request, init?: RequestInit) => Promise<JsonResponse> {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = typeof url === 'string' || url instanceof URL ? url : url.url;
      const req = request(
        target,
        { agent, method: init.method ?? 'GET', headers: init.headers as Record<string, string> },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const json = (): Promise<unknown> => Promise.resolve(JSON.parse(text) as unknown);
            resolve({ ok: status >= 200 && status < 300, json });
          });
        },
      );
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
