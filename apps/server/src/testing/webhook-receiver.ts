import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { startTestServer, type TestServer } from './test-server.js';

// Webhook receivers for tests: real HTTP servers on loopback that record what they get.

export interface Received {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/** A receiver on 127.0.0.1 answering each request with `answer(n)` (n = 1, 2, …); null hangs. */
export async function startReceiver(answer: (n: number) => number | null): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(',') : (v ?? ''),
          ]),
        ),
      });
      const status = answer(received.length);
      if (status !== null) res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Polls `probe` every 50 ms until it gives a value; throws after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the webhook tests' servers are run with: fast polls, a short timeout and schedule. */
export const WEBHOOK_TEST_SETTINGS = {
  timeoutMs: 500,
  disableAfter: 5,
  allowPrivate: true,
  retrySchedule: [100, 100, 100, 100, 100, 100, 100],
} as const;

/** A test server that delivers webhooks to loopback receivers with {@link WEBHOOK_TEST_SETTINGS}. */
export function startWebhookTestServer(): Promise<TestServer> {
  const base = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent' });
  return startTestServer({
    events: { ...base.events, pollMs: 50 },
    webhooks: { ...WEBHOOK_TEST_SETTINGS, retrySchedule: [...WEBHOOK_TEST_SETTINGS.retrySchedule] },
  });
}
