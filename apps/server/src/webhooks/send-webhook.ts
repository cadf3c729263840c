import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkWebhookUrl, isForbiddenAddress } from '@orders/core';
import { Webhook } from 'standardwebhooks';

export interface WebhookRequest {
  readonly url: string;
  /** `whsec_` + base64 key. */
  readonly secret: string;
  /** The event id: the `webhook-id` receivers dedupe on. */
  readonly messageId: string;
  /** The exact bytes signed and sent. */
  readonly body: string;
  readonly timeoutMs: number;
  /** `http://` and private / loopback / link-local / metadata addresses allowed. */
  readonly allowPrivate: boolean;
  readonly now: Date;
}

export interface WebhookResponse {
  /** The HTTP status; null when none came (refused address, DNS, connection, timeout). */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** The Standard Webhooks headers for `body`: id, unix-seconds timestamp, `v1,<base64 HMAC>`. */
export function signatureHeaders(
  secret: string,
  messageId: string,
  now: Date,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, now, body),
  };
}

class RefusedAddress extends Error {}

/**
 * The host's addresses (`dns.lookup`, all of them): every one must be allowed, or the send is
 * refused — a name with one private address among public ones is refused too. The connection then
 * goes to the first checked address, never to a second lookup's answer (no DNS rebinding).
 */
async function resolveChecked(
  host: string,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const addresses =
    isIP(bare) !== 0 ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true });
  const first = addresses[0];
  if (first === undefined) throw new Error(`${host} has no address`);
  if (!allowPrivate) {
    const refused = addresses.find((a) => isForbiddenAddress(a.address));
    if (refused !== undefined) {
      throw new RefusedAddress(
        `refused: ${host} resolves to ${refused.address}, a private, loopback, link-local or metadata address`,
      );
    }
  }
  return first;
}

/** POSTs one signed delivery; never throws: every failure is an outcome to log. */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const checked = checkWebhookUrl(request.url, request.allowPrivate);
  if (!checked.ok) return { statusCode: null, latencyMs: 0, error: `refused: ${checked.error}` };
  const url = new URL(request.url);
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, request.timeoutMs);
  try {
    // The lookup counts against the timeout too: a resolver that never answers is a timeout.
    const target = await Promise.race([
      resolveChecked(checked.host, request.allowPrivate),
      new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => {
          reject(new Error('aborted'));
        });
      }),
    ]);
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all === true) {
        callback(null, [{ address: target.address, family: target.family }]);
      } else {
        callback(null, target.address, target.family);
      }
    };
    const statusCode = await new Promise<number>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        {
          method: 'POST',
          lookup: pinned,
          signal: controller.signal,
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(request.body),
            'user-agent': 'orders-webhooks/1',
            ...signatureHeaders(request.secret, request.messageId, request.now, request.body),
          },
        },
        (res) => {
          // The body is not read past a little: only the status counts.
          res.resume();
          res.on('end', () => {
            resolve(res.statusCode ?? 0);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
    return { statusCode, latencyMs: elapsed(), error: null };
  } catch (error) {
    const message = controller.signal.aborted
      ? `timeout after ${request.timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    return { statusCode: null, latencyMs: elapsed(), error: message.slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}
