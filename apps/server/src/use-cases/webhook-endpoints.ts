import { randomBytes, randomUUID } from 'node:crypto';
import {
  checkWebhookUrl,
  domainError,
  err,
  ok,
  planRedelivery,
  type DomainErrorOf,
  type Result,
} from '@orders/core';
import {
  deleteWebhookEndpoint as deleteEndpointRow,
  findWebhookEndpoint,
  insertRedelivery,
  insertWebhookEndpoint,
  isEventStored,
  listWebhookDeliveries,
  listWebhookEndpoints,
  lockWebhookDeliveryOf,
  requestWebhookRedelivery,
  resetWebhookDelivery,
  updateWebhookEndpoint as updateEndpointRow,
  type Database,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@orders/db';

// Webhooks (DESIGN §2 Delivery): the admin's endpoints, their delivery log, and replays. Core
// decides (URL rule, the redelivery's plan); db writes.

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

/**
 * Sends an event to an endpoint once more, now: a new delivery, or the existing one due again
 * (its log goes on). One being sent right now is not taken from its worker: it goes again once
 * that attempt is recorded, so no attempt goes unlogged.
 */
export async function redeliver(
  deps: Deps,
  input: { endpointId: string; eventId: string },
): Promise<Result<undefined, DomainErrorOf<'WEBHOOK.NOT_FOUND' | 'WEBHOOK.EVENT_NOT_FOUND'>>> {
  if ((await findWebhookEndpoint(deps.db, input.endpointId)) === null) {
    return err(domainError('WEBHOOK.NOT_FOUND', { endpointId: input.endpointId }));
  }
  const missing = err(domainError('WEBHOOK.EVENT_NOT_FOUND', { eventId: input.eventId }));
  if (!(await isEventStored(deps.db, input.eventId))) return missing;
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockWebhookDeliveryOf(tx, input);
    if (current === null) {
      const created = await insertRedelivery(tx, { id: randomUUID(), ...input, now });
      // The event was purged (or the endpoint deleted) since it was looked up.
      return created ? ok(undefined) : missing;
    }
    if (planRedelivery(current, now).kind === 'reset')
      await resetWebhookDelivery(tx, current.id, now);
    else await requestWebhookRedelivery(tx, current.id);
    return ok(undefined);
  });
}
