import { randomUUID } from 'node:crypto';
import { err, ok, settleDelivery, wantsEvent, type DeliverySettlement } from '@orders/core';
import {
  advanceRelayCursor,
  appendEventsStatement,
  claimDueWebhookDeliveries,
  claimRelayLease,
  insertWebhookDeliveries,
  listEvents,
  listWebhookEndpoints,
  lockClaimedWebhookDelivery,
  lockWebhookEndpoint,
  readRelayCursor,
  recordWebhookAttempt,
  releaseRelayLease,
  releaseWebhookLeases,
  updateWebhookEndpointStatement,
  type ClaimedWebhookDelivery,
  type Database,
} from '@orders/db';
import { webhookEndpointDisabledEvent } from '../events/event-builders.js';
import { presentEvent } from '../events/present-event.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import { sendWebhook } from '../webhooks/send-webhook.js';

// Webhook delivery (DESIGN §2 Delivery): the fan-out of events to deliveries, their claims, and
// one delivery's attempt. Core decides (filters, schedule, outcome, disabling); db writes.

export interface WebhookSettings {
  readonly timeoutMs: number;
  readonly disableAfter: number;
  readonly allowPrivate: boolean;
  readonly retrySchedule: readonly number[];
}

interface Deps {
  readonly db: Database;
  readonly now: () => Date;
}

/** The fan-out's place in the outbox: a relay row of its own, under a lease. */
export const WEBHOOK_FAN_OUT = 'webhooks:fan-out';

/**
 * Turns the events after the fan-out's cursor into deliveries, one per enabled endpoint that
 * wants the event and existed when it happened, then moves the cursor (compare-and-set on the
 * lease). One instance at a time does it; a crash in between repeats it, and the unique
 * (endpoint, event) key adds nothing twice. Returns how many events were read (0: caught up, or
 * another instance holds the lease).
 */
export async function fanOutWebhookEvents(
  deps: Deps,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<number> {
  if (!(await claimRelayLease(deps.db, WEBHOOK_FAN_OUT, owner, leaseMs))) return 0;
  const after = await readRelayCursor(deps.db, WEBHOOK_FAN_OUT);
  // A delivery names its event: the fan-out needs which events there are, not their documents.
  const events = await listEvents(deps.db, { after, limit, withoutData: true });
  const last = events.at(-1);
  if (last === undefined) return 0;
  const endpoints = await listWebhookEndpoints(deps.db, true);
  const now = deps.now();
  const deliveries = events.flatMap((event) =>
    endpoints
      .filter((e) => wantsEvent(e.types, event.type) && event.createdAt >= e.createdAt)
      .map((e) => ({ id: randomUUID(), endpointId: e.id, eventId: event.id, now })),
  );
  await insertWebhookDeliveries(deps.db, deliveries);
  await advanceRelayCursor(deps.db, WEBHOOK_FAN_OUT, owner, last.cursor);
  return events.length;
}

export function releaseWebhookWork(deps: Deps, owner: string): Promise<unknown> {
  return Promise.all([
    releaseRelayLease(deps.db, WEBHOOK_FAN_OUT, owner),
    releaseWebhookLeases(deps.db, owner),
  ]);
}

export function claimWebhookDeliveries(
  deps: Deps,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<ClaimedWebhookDelivery[]> {
  const now = deps.now();
  return claimDueWebhookDeliveries(deps.db, {
    owner,
    now,
    leaseUntil: new Date(now.getTime() + leaseMs),
    limit,
  });
}

/** What became of one attempt. */
export interface AttemptResult {
  /** False: the delivery was no longer this worker's (its lease ran out, or it was deleted). */
  readonly recorded: boolean;
  readonly status: DeliverySettlement['status'] | 'LOST';
  /** This attempt disabled its endpoint (and wrote `webhook_endpoint.disabled`). */
  readonly disabled: boolean;
}

/**
 * One attempt of a claimed delivery: POST the signed envelope, then, in one transaction with the
 * endpoint and the delivery locked, settle with core on the endpoint's streak as it stands now
 * (attempts of one endpoint recorded at once each count) and write the attempt, the delivery's
 * new state, the endpoint's streak — and, when this attempt disables it, the event that says so.
 * A vanished event (purged by retention) fails the delivery at once.
 */
export async function attemptWebhookDelivery(
  deps: Deps & { settings: WebhookSettings; metrics: DomainMetrics; random?: () => number },
  owner: string,
  delivery: ClaimedWebhookDelivery,
): Promise<AttemptResult> {
  const attemptNo = delivery.attempts + 1;
  const { settings } = deps;
  const response =
    delivery.event === null
      ? { statusCode: null, latencyMs: 0, error: 'the event is no longer stored' }
      : await sendWebhook({
          url: delivery.endpoint.url,
          secret: delivery.endpoint.secret,
          messageId: delivery.event.id,
          body: JSON.stringify(presentEvent(delivery.event)),
          timeoutMs: settings.timeoutMs,
          allowPrivate: settings.allowPrivate,
          now: deps.now(),
        });
  const at = deps.now();
  const result = await deps.db.transaction(async (tx) => {
    const endpoint = await lockWebhookEndpoint(tx, delivery.endpoint.id);
    const held = await lockClaimedWebhookDelivery(tx, {
      deliveryId: delivery.id,
      owner,
      attemptNo,
    });
    if (endpoint === null || held === null) return err('LOST' as const);
    const settled = settleDelivery({
      attemptNo,
      outcome: { statusCode: response.statusCode },
      now: at,
      consecutiveFailures: endpoint.consecutiveFailures,
      endpointEnabled: endpoint.enabled,
      redeliverRequested: held.redeliverRequested,
      schedule: delivery.event === null ? [] : settings.retrySchedule,
      disableAfter: settings.disableAfter,
      ...(deps.random === undefined ? {} : { random: deps.random }),
    });
    const after = {
      ...endpoint,
      consecutiveFailures: settled.consecutiveFailures,
      ...(settled.disable && {
        enabled: false,
        disabledReason: `disabled after ${settled.consecutiveFailures} consecutive failed attempts`,
        updatedAt: at,
      }),
    };
    const disabled = settled.disable ? webhookEndpointDisabledEvent(after, endpoint, at) : null;
    const committed = await tx.commitWith([
      ...recordWebhookAttempt({
        deliveryId: delivery.id,
        attemptNo,
        at,
        statusCode: response.statusCode,
        latencyMs: response.latencyMs,
        error: response.error,
        status: settled.status,
        nextAttemptAt: 'nextAttemptAt' in settled ? settled.nextAttemptAt : null,
      }),
      updateWebhookEndpointStatement(endpoint.id, after),
      ...(disabled ? [appendEventsStatement([disabled])] : []),
    ]);
    if (committed.ok && disabled) deps.metrics.eventsWritten([disabled]);
    return committed.ok ? ok(settled) : committed;
  });
  if (!result.ok) return { recorded: false, status: 'LOST', disabled: false };
  return { recorded: true, status: result.value.status, disabled: result.value.disable };
}
