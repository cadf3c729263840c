// What one webhook delivery attempt leads to (DESIGN §2 "Webhooks"). Pure.
import { nextDeliveryAt, type WebhookRandom } from './retry-schedule.js';

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'RETRY', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const DEFAULT_WEBHOOK_DISABLE_AFTER = 20;

/** An attempt's outcome: an HTTP status, or null when no response came (timeout, refused, SSRF). */
export interface WebhookAttemptOutcome {
  readonly statusCode: number | null;
}

export interface SettleInput {
  readonly attemptNo: number;
  readonly outcome: WebhookAttemptOutcome;
  readonly now: Date;
  /** The endpoint's consecutive failed attempts before this one. */
  readonly consecutiveFailures: number;
  readonly schedule: readonly number[];
  readonly disableAfter: number;
  readonly random?: WebhookRandom;
}

export type DeliverySettlement =
  | { readonly status: 'DELIVERED'; readonly consecutiveFailures: 0; readonly disable: false }
  | {
      readonly status: 'RETRY';
      readonly nextAttemptAt: Date;
      readonly consecutiveFailures: number;
      readonly disable: boolean;
    }
  | { readonly status: 'FAILED'; readonly consecutiveFailures: number; readonly disable: boolean };

export function isSuccessStatus(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode <= 299;
}

/**
 * 2xx → DELIVERED (and the endpoint's failure streak ends). Anything else — 410 included, which
 * is retried by the schedule like any other failure — → RETRY at the next scheduled time, or
 * FAILED when the schedule is spent. The endpoint is disabled once its streak of failed attempts
 * reaches `disableAfter`; a disabled endpoint's pending deliveries stop (FAILED).
 */
export function settleDelivery(input: SettleInput): DeliverySettlement {
  if (isSuccessStatus(input.outcome.statusCode)) {
    return { status: 'DELIVERED', consecutiveFailures: 0, disable: false };
  }
  const consecutiveFailures = input.consecutiveFailures + 1;
  const disable = input.disableAfter > 0 && consecutiveFailures >= input.disableAfter;
  const next = disable
    ? null
    : nextDeliveryAt(input.attemptNo, input.now, input.schedule, input.random);
  if (next === null) return { status: 'FAILED', consecutiveFailures, disable };
  return { status: 'RETRY', nextAttemptAt: next, consecutiveFailures, disable };
}
