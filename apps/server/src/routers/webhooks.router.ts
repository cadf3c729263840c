import { AGGREGATE_TYPES, EVENT_TYPES } from '@orders/core';
import { z } from 'zod';
import { adminProcedure, router } from '../trpc/init.js';
import { unwrap } from '../trpc/domain-error-map.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listEndpoints,
  redeliver,
  updateWebhookEndpoint,
  webhookDeliveries,
} from '../use-cases/webhook-endpoints.js';
import { createdEndpointOutput, deliveryOutput, endpointOutput } from './webhook-schemas.js';
import { presentDelivery, presentEndpoint } from './webhook-presenters.js';
import { text } from './input-fields.js';

// Webhooks (DESIGN §2 Delivery, §3 webhooks.*): admins only.

/** An event type, `prefix.*` (e.g. `payment.*`) or `*`: a typo would silently match nothing. */
const eventType = text()
  .trim()
  .min(1)
  .max(100)
  .refine(
    (t) =>
      t === '*' ||
      (EVENT_TYPES as readonly string[]).includes(t) ||
      (t.endsWith('.*') && (AGGREGATE_TYPES as readonly string[]).includes(t.slice(0, -2))),
    'must be an event type (e.g. payment.succeeded), an aggregate wildcard (e.g. payment.*) or *',
  );
const endpointId = z.uuid();

const tags = ['webhooks'];
const forbidden = 'Needs the ADMIN role (`AUTH.FORBIDDEN`).';
const notFound = 'No such endpoint (`WEBHOOK.NOT_FOUND`).';

export const webhooksRouter = router({
  create: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhooks',
        tags,
        summary: 'Register a webhook endpoint (admin)',
        description:
          'Every event (or those of `types`: exact names or `prefix.*`) committed from now on is ' +
          'POSTed to `url`, signed per Standard Webhooks (`webhook-id` = the event id, ' +
          '`webhook-timestamp`, `webhook-signature`). A 2xx delivers; anything else is retried ' +
          'with backoff for about 3 days. The answer carries the signing secret, shown once.',
        errorResponses: {
          400: 'Not an https:// URL (`WEBHOOK.INVALID_URL`).',
          403: forbidden,
        },
      },
    })
    .input(
      z.strictObject({
        url: text().trim().min(1).max(2000),
        types: z.array(eventType).max(100).optional(),
        description: text().max(500).optional(),
      }),
    )
    .output(createdEndpointOutput)
    .mutation(async ({ ctx, input }) => {
      const endpoint = unwrap(
        await createWebhookEndpoint(
          {
            db: ctx.db,
            now: ctx.services.now,
            allowPrivate: ctx.services.config.webhooks.allowPrivate,
          },
          input,
        ),
      );
      return { ...presentEndpoint(endpoint), secret: endpoint.secret };
    }),

  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/webhooks',
        tags,
        summary: 'The webhook endpoints (admin)',
        description:
          'Every registered endpoint, oldest first, with its filter, whether it is enabled and ' +
          'why not, and its streak of failed attempts. Secrets are never shown again.',
        errorResponses: { 403: forbidden },
      },
    })
    .input(z.strictObject({}).optional())
    .output(z.array(endpointOutput))
    .query(async ({ ctx }) =>
      (await listEndpoints({ db: ctx.db, now: ctx.services.now })).map(presentEndpoint),
    ),

  update: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhooks/{id}',
        tags,
        summary: 'Enable, disable or re-filter a webhook endpoint (admin)',
        description:
          'Disabling stops its deliveries (they wait); enabling it again resumes them and starts ' +
          'its failure streak afresh. `types` null or empty: every event.',
        errorResponses: { 403: forbidden, 404: notFound },
      },
    })
    .input(
      z.strictObject({
        id: endpointId,
        enabled: z.boolean().optional(),
        types: z.array(eventType).max(100).nullable().optional(),
      }),
    )
    .output(endpointOutput)
    .mutation(async ({ ctx, input }) =>
      presentEndpoint(
        unwrap(await updateWebhookEndpoint({ db: ctx.db, now: ctx.services.now }, input)),
      ),
    ),

  delete: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhooks/{id}/delete',
        tags,
        summary: 'Remove a webhook endpoint (admin)',
        description:
          'Removes the endpoint with its deliveries and their log; nothing more is sent.',
        errorResponses: { 403: forbidden, 404: notFound },
      },
    })
    .input(z.strictObject({ id: endpointId }))
    .output(z.strictObject({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      unwrap(await deleteWebhookEndpoint({ db: ctx.db, now: ctx.services.now }, input.id));
      return { deleted: true as const };
    }),

  deliveries: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/webhooks/{endpointId}/deliveries',
        tags,
        summary: "An endpoint's deliveries and every attempt (admin)",
        description:
          'Newest first, each with its state and the log of its attempts (status, latency, ' +
          'error); `eventId` narrows to one event; pass `nextCursor` back as `cursor` for more.',
        errorResponses: { 403: forbidden, 404: notFound },
      },
    })
    .input(
      z.strictObject({
        endpointId,
        eventId: text().min(1).max(200).optional(),
        cursor: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
    )
    .output(z.strictObject({ items: z.array(deliveryOutput), nextCursor: z.uuid().nullable() }))
    .query(async ({ ctx, input }) => {
      const page = unwrap(await webhookDeliveries({ db: ctx.db, now: ctx.services.now }, input));
      return { items: page.items.map(presentDelivery), nextCursor: page.nextCursor };
    }),

  redeliver: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhooks/{endpointId}/redeliver',
        tags,
        summary: 'Send an event to an endpoint again (admin)',
        description:
          'Any stored event, to any endpoint, now: its delivery is set back to PENDING (or ' +
          'created) and the worker sends it with the same `webhook-id`.',
        errorResponses: {
          403: forbidden,
          404: 'No such endpoint (`WEBHOOK.NOT_FOUND`) or event (`WEBHOOK.EVENT_NOT_FOUND`).',
        },
      },
    })
    .input(z.strictObject({ endpointId, eventId: text().min(1).max(200) }))
    .output(z.strictObject({ queued: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      unwrap(await redeliver({ db: ctx.db, now: ctx.services.now }, input));
      return { queued: true as const };
    }),
});
