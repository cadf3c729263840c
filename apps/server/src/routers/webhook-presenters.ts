import type { WebhookDelivery, WebhookEndpoint } from '@orders/db';
import type { z } from 'zod';
import type { deliveryOutput, endpointOutput } from './webhook-schemas.js';

/** An endpoint as the API shows it: never its secret (shown once, by `webhooks.create`). */
export function presentEndpoint(e: WebhookEndpoint): z.infer<typeof endpointOutput> {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    types: e.types === null ? null : [...e.types],
    enabled: e.enabled,
    consecutiveFailures: e.consecutiveFailures,
    disabledReason: e.disabledReason,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function presentDelivery(d: WebhookDelivery): z.infer<typeof deliveryOutput> {
  return {
    ...d,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    log: d.log.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}
