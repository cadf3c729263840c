import { randomBytes } from 'node:crypto';
import { transportFailureOf } from './error-facts.js';

/**
 * One POST of `webhooks listen`: an event, signed as the server signs its deliveries (Standard
 * Webhooks, apps/server `send-webhook.ts`), to the developer's own receiver. Unlike the server's
 * deliveries there is no address rule here: the receiver is whatever the developer runs, most
 * often on localhost.
 */

/** How long a receiver has to answer before the event counts as not delivered. */
export const FORWARD_TIMEOUT_MS = 10_000;

/** Makes `webhook-signature` for an id, an instant and the exact body (standardwebhooks' `sign`). */
export type Signer = (messageId: string, at: Date, body: string) => string;

export interface ForwardRequest {
  readonly url: string;
  /** The event id: the `webhook-id` receivers dedupe on. */
  readonly messageId: string;
  /** The exact bytes signed and sent. */
  readonly body: string;
  readonly sign: Signer;
  readonly userAgent: string;
  readonly timeoutMs: number;
  /** The user stopped: the request is abandoned. */
  readonly signal: AbortSignal;
}

/** What the receiver did: its HTTP status, or why none came (`connection refused`, a timeout). */
export interface ForwardOutcome {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** A new Standard Webhooks secret, as the server makes them: `whsec_` + 24 random bytes, base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** POSTs one signed event; never throws: a receiver's failure is an outcome to show. */
export async function forwardEvent(request: ForwardRequest): Promise<ForwardOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const now = new Date();
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': request.userAgent,
        'webhook-id': request.messageId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': request.sign(request.messageId, now, request.body),
      },
      body: request.body,
      // A redirect is the receiver's answer, as for the server's deliveries: not followed.
      redirect: 'manual',
      signal: AbortSignal.any([request.signal, timeout]),
    });
    // Only the status counts; the body is not waited for.
    await response.body?.cancel().catch(() => undefined);
    return { statusCode: response.status, latencyMs: elapsed(), error: null };
  } catch (error) {
    const reason = timeout.aborted
      ? `no answer within ${request.timeoutMs / 1000} s`
      : transportFailureOf(error);
    return { statusCode: null, latencyMs: elapsed(), error: reason };
  }
}
