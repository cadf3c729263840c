import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as a receiver got it: the raw body and the headers (each as one string). */
export interface Received {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A webhook receiver on 127.0.0.1, as a developer's would be. */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Resolves once `test` holds for what was received so far (checked on each POST). */
  until(test: (received: readonly Received[]) => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers the n-th POST (1, 2, …) with `answer(n, received)`'s status; every request is recorded
 * before it is answered.
 */
export async function startReceiver(
  answer: (n: number, received: Received) => number = () => 200,
): Promise<Receiver> {
  const received: Received[] = [];
  let changed: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const one: Received = {
        body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(',') : (v ?? ''),
          ]),
        ),
      };
      received.push(one);
      res.writeHead(answer(received.length, one)).end('ok');
      changed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    until(test, what) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          changed = () => undefined;
          reject(new Error(`timed out waiting for ${what}; received ${received.length}`));
        }, 20_000);
        changed = () => {
          if (!test(received)) return;
          clearTimeout(timer);
          changed = () => undefined;
          resolve();
        };
        changed();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
