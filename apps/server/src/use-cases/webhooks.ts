import { randomBytes, randomUUID } from 'node:crypto';
import {
  checkWebhookUrl,
  domainError,
  err,
  ok,
  settleDelivery,
  wantsEvent,
  type DomainErrorOf,
  type Result,
} from '@orders/core';
import {
  advanceRelayCursor,
  claimDueWebhookDeliveries,
  claimRelayLease,
  deleteWebhookEndpoint as deleteEndpointRow,
  findWebhookEndpoint,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  listEvents,
  listWebhookDeliveries,
  listWebhookEndpoints,
  readRelayCursor,
  recordWebhookAttempt,
  redeliverWebhook,
  releaseRelayLease,
  releaseWebhookLeases,
  updateWebhookEndpoint as updateEndpointRow,
  type ClaimedWebhookDelivery,
  type Database,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@orders/db';
import { presentEvent } from '../events/present-event.js';
import { sendWebhook } from '../webhooks/send-webhook.js';

// Webhooks (DESIGN §2 Delivery): the admin's endpoints, the fan-out of events to deliveries, and
// one delivery's attempt. Core decides (URL rule, filters, schedule, outcome); db writes.

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

/** `whsec_` + 24 random bytes in base64: the Standard Webhooks secret format. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function createWebhookEndpoint(
  deps: Deps & { allowPrivate: boolean },
  input: { url: string; types?: readonly string[] | undefined; description?: string | undefined },
): Promise<Result<WebhookEndpoint, DomainErrorOf<'WEBHOOK.INVALID_URL'>>> {
  const checked = checkWebhookUrl(input.url, deps.allowPrivate);
  if (!checked.ok) {
    return err(domainError('WEBHOOK.INVALID_URL', { url: input.url, reason: checked.error }));
  }
  const now = deps.now();
  const endpoint: WebhookEndpoint = {
    id: randomUUID(),
    url: input.url,
    description: input.description ?? null,
    types: input.types === undefined || input.types.length === 0 ? null : [...input.types],
    secret: newSecret(),
    enabled: true,
    consecutiveFailures: 0,
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertWebhookEndpoint(deps.db, endpoint);
  return ok(endpoint);
}

export function listEndpoints(deps: Deps): Promise<WebhookEndpoint[]> {
  return listWebhookEndpoints(deps.db);
}

/**
 * Enables or disables an endpoint, or changes its filter. Enabling it again starts its failure
 * streak afresh; its deliveries that were waiting go on.
 */
export async function updateWebhookEndpoint(
  deps: Deps,
  input: {
    id: string;
    enabled?: boolean | undefined;
    types?: readonly string[] | null | undefined;
  },
): Promise<Result<WebhookEndpoint, DomainErrorOf<'WEBHOOK.NOT_FOUND'>>> {
  const current = await findWebhookEndpoint(deps.db, input.id);
  if (current === null) return err(domainError('WEBHOOK.NOT_FOUND', { endpointId: input.id }));
  const enabled = input.enabled ?? current.enabled;
  const reEnabled = enabled && !current.enabled;
  const types =
    input.types === undefined ? current.types : input.types?.length ? [...input.types] : null;
  const updated = await updateEndpointRow(deps.db, input.id, {
    enabled,
    types,
    consecutiveFailures: reEnabled ? 0 : current.consecutiveFailures,
    disabledReason: enabled
      ? null
      : input.enabled === false
        ? 'disabled by an admin'
        : current.disabledReason,
    updatedAt: deps.now(),
  });
  if (updated === null) return err(domainError('WEBHOOK.NOT_FOUND', { endpointId: input.id }));
  return ok(updated);
}

export async function deleteWebhookEndpoint(
  deps: Deps,
  id: string,
): Promise<Result<undefined, DomainErrorOf<'WEBHOOK.NOT_FOUND'>>> {
  return (await deleteEndpointRow(deps.db, id))
    ? ok(undefined)
    : err(domainError('WEBHOOK.NOT_FOUND', { endpointId: id }));
}

export async function webhookDeliveries(
  deps: Deps,
  query: {
    endpointId: string;
    eventId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<
  Result<
    { items: WebhookDelivery[]; nextCursor: string | null },
    DomainErrorOf<'WEBHOOK.NOT_FOUND'>
  >
> {
  if ((await findWebhookEndpoint(deps.db, query.endpointId)) === null) {
    return err(domainError('WEBHOOK.NOT_FOUND', { endpointId: query.endpointId }));
  }
  const rows = await listWebhookDeliveries(deps.db, { ...query, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return ok({ items, nextCursor: rows.length > query.limit && last ? last.id : null });
}

/** Sends an event to an endpoint once more, now (a new delivery, or the existing one reset). */
export async function redeliver(
  deps: Deps,
  input: { endpointId: string; eventId: string },
): Promise<Result<undefined, DomainErrorOf<'WEBHOOK.NOT_FOUND' | 'WEBHOOK.EVENT_NOT_FOUND'>>> {
  if ((await findWebhookEndpoint(deps.db, input.endpointId)) === null) {
    return err(domainError('WEBHOOK.NOT_FOUND', { endpointId: input.endpointId }));
  }
  const done = await redeliverWebhook(deps.db, { id: randomUUID(), ...input, now: deps.now() });
  return done
    ? ok(undefined)
    : err(domainError('WEBHOOK.EVENT_NOT_FOUND', { eventId: input.eventId }));
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
  const events = await listEvents(deps.db, { after, limit });
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

/**
 * One attempt of a claimed delivery: POST the signed envelope, then record the attempt and what
 * core settled (DELIVERED, RETRY at the next time, FAILED; the endpoint's streak, and its
 * disabling). A vanished event (purged by retention) fails the delivery at once.
 */
export async function attemptWebhookDelivery(
  deps: Deps & { settings: WebhookSettings; random?: () => number },
  owner: string,
  delivery: ClaimedWebhookDelivery,
): Promise<{ recorded: boolean; status: string; disabled: boolean }> {
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
  const settled = settleDelivery({
    attemptNo,
    outcome: { statusCode: response.statusCode },
    now: at,
    consecutiveFailures: delivery.endpoint.consecutiveFailures,
    schedule: delivery.event === null ? [] : settings.retrySchedule,
    disableAfter: settings.disableAfter,
    ...(deps.random === undefined ? {} : { random: deps.random }),
  });
  const recorded = await recordWebhookAttempt(deps.db, {
    deliveryId: delivery.id,
    owner,
    attemptNo,
    at,
    statusCode: response.statusCode,
    latencyMs: response.latencyMs,
    error: response.error,
    status: settled.status,
    nextAttemptAt: settled.status === 'RETRY' ? settled.nextAttemptAt : null,
    endpoint: {
      id: delivery.endpoint.id,
      consecutiveFailures: settled.consecutiveFailures,
      disabledReason: settled.disable
        ? `disabled after ${settled.consecutiveFailures} consecutive failed attempts`
        : null,
    },
  });
  return { recorded, status: settled.status, disabled: settled.disable };
}
