import { WEBHOOK_DELIVERY_STATUSES } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';

/** `webhook_endpoints`: the receivers an admin registered, their filters, secret and health. */
export const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: (p) => ({
    id: p.uuid().primary(),
    url: p.text(),
    description: p.text().nullable(),
    types: p.array().columnType('text[]').nullable(),
    secret: p.text(),
    enabled: p.boolean(),
    consecutiveFailures: p.integer(),
    disabledReason: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
  checks: [
    { name: 'webhook_endpoints_failures_non_negative', expression: 'consecutive_failures >= 0' },
  ],
});

/** `webhook_deliveries`: one per (endpoint, event), its state and lease. */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: (p) => ({
    id: p.uuid().primary(),
    endpointId: p
      .manyToOne(WebhookEndpointSchema)
      .mapToPk()
      .joinColumn('endpoint_id')
      .updateRule('no action')
      .deleteRule('cascade'),
    eventId: p.text(),
    status: p.enum([...WEBHOOK_DELIVERY_STATUSES]),
    attempts: p.integer(),
    nextAttemptAt: p.datetime(),
    leaseOwner: p.text().nullable(),
    leaseUntil: p.datetime().nullable(),
    lastStatus: p.integer().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
    redeliverRequested: p.boolean().default(false),
  }),
  uniques: [{ name: 'webhook_deliveries_once', properties: ['endpointId', 'eventId'] }],
  indexes: [
    {
      name: 'webhook_deliveries_due',
      expression:
        'create index "webhook_deliveries_due" on "webhook_deliveries" (next_attempt_at)' +
        " where status in ('PENDING', 'RETRY')",
    },
  ],
});

/** `webhook_delivery_attempts`: every attempt of a delivery, append-only. */
export const WebhookDeliveryAttemptSchema = defineEntity({
  name: 'WebhookDeliveryAttempt',
  tableName: 'webhook_delivery_attempts',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    deliveryId: p
      .manyToOne(WebhookDeliverySchema)
      .mapToPk()
      .joinColumn('delivery_id')
      .updateRule('no action')
      .deleteRule('cascade'),
    attemptNo: p.integer(),
    at: p.datetime(),
    statusCode: p.integer().nullable(),
    latencyMs: p.integer(),
    error: p.text().nullable(),
  }),
  uniques: [{ name: 'webhook_delivery_attempts_once', properties: ['deliveryId', 'attemptNo'] }],
});
