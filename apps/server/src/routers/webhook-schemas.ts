import { WEBHOOK_DELIVERY_STATUSES } from '@orders/core';
import { z } from 'zod';
import { isoTime } from './output-schemas.js';

/** What the webhooks procedures return (DESIGN §3 webhooks.*). */

export const endpointOutput = z.strictObject({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  types: z.array(z.string()).nullable(),
  enabled: z.boolean(),
  consecutiveFailures: z.int(),
  disabledReason: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const createdEndpointOutput = endpointOutput.extend({
  secret: z.string().meta({
    description:
      'The signing secret (`whsec_…`), shown this once: verify each delivery with it ' +
      '(Standard Webhooks, e.g. the `standardwebhooks` package).',
  }),
});

export const deliveryOutput = z.strictObject({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.int(),
  nextAttemptAt: isoTime,
  lastStatus: z.int().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
  log: z.array(
    z.strictObject({
      attemptNo: z.int(),
      at: isoTime,
      statusCode: z.int().nullable(),
      latencyMs: z.int(),
      error: z.string().nullable(),
    }),
  ),
});
