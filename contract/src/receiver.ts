import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver: what it got, by `webhook-id` (the event id, Standard Webhooks). */
export interface Receiver {
  readonly url: string;
  /** The `webhook-id` of every POST it answered, in order. */
  readonly received: readonly string[];
  stop(): Promise<void>;
}

/**
 * A receiver on 127.0.0.1 that answers every POST 204, for the flows' webhook endpoints (the
 * server is run with WEBHOOK_ALLOW_PRIVATE=true so that it may send to loopback over http://).
 */
export async function startReceiver(): Promise<Receiver> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      received.push(typeof id === 'string' ? id : '');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
