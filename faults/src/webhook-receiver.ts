import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { sleep } from './load.js';

/**
 * The scenario's webhook receiver: plain http on 127.0.0.1 (the servers run with
 * WEBHOOK_ALLOW_PRIVATE=true), one endpoint registered by the admin for every event type. It
 * verifies each delivery with the `standardwebhooks` package — a third-party verifier, not the
 * server's code — and answers as a real receiver would: 400 to a delivery that fails
 * verification, 2xx to one that passes, but a small share of the time it answers 500 or is slow
 * (now and then beyond the server's timeout, after which it still takes the delivery: the
 * server retries something that did arrive, the duplicate receivers dedupe on `webhook-id`).
 * Every request is recorded raw, so the checks verify it again and corruptions can be tested.
 */

/** How the receiver misbehaves: shares of requests, and the delays. */
export interface ReceiverBehaviour {
  /** Answered 500 at once. */
  readonly failRate: number;
  /** Answered 2xx after `slowMs` (within the server's timeout). */
  readonly slowRate: number;
  readonly slowMs: readonly [number, number];
  /** Answered 2xx only after `lateMs`, past the server's timeout: it counts a failure. */
  readonly lateRate: number;
  readonly lateMs: number;
}

/** One request, as it arrived. */
export interface ReceivedDelivery {
  /** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What the receiver answered: 400 (failed verification), 500 (made to fail) or 2xx. */
  readonly status: number;
  /** How the answer was given: at once, slow (within the timeout), late (past it). */
  readonly pace: 'prompt' | 'slow' | 'late';
  /** Milliseconds since the receiver started. */
  readonly at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedDelivery[];
  /** The endpoint's signing secret (`webhooks.create` shows it once). */
  secret(): string;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Verifies a delivery with `standardwebhooks`; the parsed body, or the verifier's error. */
export function verifyDelivery(
  secret: string,
  delivery: Pick<ReceivedDelivery, 'headers' | 'body'>,
): { ok: true; payload: unknown } | { ok: false; error: string } {
  try {
    return {
      ok: true,
      payload: new Webhook(secret).verify(delivery.body, { ...delivery.headers }),
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function startWebhookReceiver(behaviour: ReceiverBehaviour): Promise<WebhookReceiver> {
  const started = Date.now();
  const received: ReceivedDelivery[] = [];
  let secret: string | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        SIGNATURE_HEADERS.map((name) => [name, String(req.headers[name] ?? '')]),
      );
      const verified = secret !== undefined && verifyDelivery(secret, { headers, body }).ok;
      const draw = Math.random();
      const { failRate, lateRate, slowRate } = behaviour;
      const [status, pace, delay]: [number, ReceivedDelivery['pace'], number] = !verified
        ? [400, 'prompt', 0]
        : draw < failRate
          ? [500, 'prompt', 0]
          : draw < failRate + lateRate
            ? [200, 'late', behaviour.lateMs]
            : draw < failRate + lateRate + slowRate
              ? [200, 'slow', between(behaviour.slowMs)]
              : [204, 'prompt', 0];
      received.push({ headers, body, status, pace, at: Date.now() - started });
      void sleep(delay).then(() => {
        // A late answer finds the sender gone: the socket is closed, nothing to write to.
        if (!res.destroyed) res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    secret() {
      if (secret === undefined) throw new Error('the receiver has no secret yet');
      return secret;
    },
    setSecret(value) {
      secret = value;
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

function between([min, max]: readonly [number, number]): number {
  return min + Math.random() * (max - min);
}
