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
  /** The endpoint's consecutive failed attempts before this one, as they stand now. */
  readonly consecutiveFailures: number;
  /** Whether the endpoint is enabled now (an admin, or another attempt, may have disabled it). */
  readonly endpointEnabled: boolean;
  /** An admin asked for the event again while this attempt was in flight. */
  readonly redeliverRequested: boolean;
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
  | { readonly status: 'FAILED'; readonly consecutiveFailures: number; readonly disable: boolean }
  | {
      readonly status: 'PENDING';
      readonly nextAttemptAt: Date;
      readonly consecutiveFailures: number;
      readonly disable: boolean;
    };

export function isSuccessStatus(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode <= 299;
}

/**
 * 2xx → DELIVERED (and the endpoint's failure streak ends). Anything else — 410 included, which
 * is retried by the schedule like any other failure — → RETRY at the next scheduled time, or
 * FAILED when the schedule is spent. The endpoint is disabled once its streak of failed attempts
 * reaches `disableAfter` (only by the attempt that reaches it while it is enabled: one disabling,
 * one event); the delivery whose attempt disabled it stops there (FAILED), the endpoint's other
 * deliveries wait until it is enabled again. A redelivery asked for during the attempt wins over
 * its outcome: the delivery is due again at once (PENDING), its attempt logged all the same.
 */
export function settleDelivery(input: SettleInput): DeliverySettlement {
  const delivered = isSuccessStatus(input.outcome.statusCode);
  const consecutiveFailures = delivered ? 0 : input.consecutiveFailures + 1;
  const disable =
    !delivered &&
    input.endpointEnabled &&
    input.disableAfter > 0 &&
    consecutiveFailures >= input.disableAfter;
  if (input.redeliverRequested) {
    return { status: 'PENDING', nextAttemptAt: input.now, consecutiveFailures, disable };
  }
  if (delivered) return { status: 'DELIVERED', consecutiveFailures: 0, disable: false };
  const next = disable
    ? null
    : nextDeliveryAt(input.attemptNo, input.now, input.schedule, input.random);
  if (next === null) return { status: 'FAILED', consecutiveFailures, disable };
  return { status: 'RETRY', nextAttemptAt: next, consecutiveFailures, disable };
}

/** Where a delivery stands when an admin asks to send its event again. */
export interface RedeliveryTarget {
  readonly status: WebhookDeliveryStatus;
  /** Until when a worker holds it (null: nobody); a holder may be sending it right now. */
  readonly leaseUntil: Date | null;
}

export type RedeliveryPlan =
  /** Due again now; its attempt log and count go on. */
  | { readonly kind: 'reset' }
  /** Being sent: the attempt in flight is recorded, then the delivery is due again at once. */
  | { readonly kind: 'after-attempt' };

/**
 * How to send an event to an endpoint once more (`webhooks.redeliver`) when a delivery of it
 * exists (without one, a new delivery is simply made).
 */
export function planRedelivery(current: RedeliveryTarget, now: Date): RedeliveryPlan {
  const inFlight = current.leaseUntil !== null && current.leaseUntil > now;
  return inFlight ? { kind: 'after-attempt' } : { kind: 'reset' };
}
