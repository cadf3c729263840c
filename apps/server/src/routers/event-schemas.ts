import { CANCELLATION_REASONS, EVENT_TYPES, type EventType } from '@orders/core';
import { z } from 'zod';
import { isEventCursor } from '../use-cases/list-events.js';
import { text } from './input-fields.js';
import { isoTime, orderOutput, productOutput } from './output-schemas.js';
import { paymentOutput } from './payment-schemas.js';
import { refundOutput } from './refund-schemas.js';
import { endpointOutput } from './webhook-schemas.js';

/**
 * The events procedures' inputs and the event envelope (DESIGN §2 Events, Stripe's shape), for
 * tRPC's `.input()`/`.output()` and the OpenAPI document.
 */

/** A cursor the server handed out (an event's `cursor`, a page's `cursor`); anything else is a 400. */
export const eventCursor = text()
  .max(64)
  // The form, for the document (a validating proxy refuses junk as the server does); the range,
  // by the refinement.
  .regex(/^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,18})$/, 'not an event cursor from this server')
  .refine(isEventCursor, 'not an event cursor from this server')
  .meta({ examples: ['1234-56'] });

const eventType = z.enum(EVENT_TYPES);
const typeArray = z.array(eventType).min(1).max(EVENT_TYPES.length);

/**
 * Which types to read: an array (tRPC), or one comma-separated string (a REST query string,
 * `types=order.created,payment.failed`, or the parameter repeated). The document shows the
 * array (openapi.ts sends query arrays comma-separated).
 */
export const eventTypes = z
  .union([
    typeArray,
    text()
      .max(1000)
      .transform((list) => list.split(',').map((type) => type.trim()))
      .pipe(typeArray),
  ])
  .transform((types) => [...new Set(types)])
  .meta({
    description:
      'Only events of these types. In a query string, comma-separated: ' +
      '`types=order.created,payment.failed`.',
    override: ({ jsonSchema }) => {
      delete jsonSchema.anyOf;
      Object.assign(jsonSchema, {
        type: 'array',
        items: { type: 'string', enum: [...EVENT_TYPES] },
        minItems: 1,
        maxItems: EVENT_TYPES.length,
      });
    },
  });

export const EVENT_PAGE_LIMIT = { max: 500, default: 100 } as const;

export const eventListInput = z
  .object({
    after: eventCursor
      .meta({ description: 'Events after this cursor; leave out to start from the oldest kept' })
      .optional(),
    types: eventTypes.optional(),
    limit: z.number().int().min(1).max(EVENT_PAGE_LIMIT.max).default(EVENT_PAGE_LIMIT.default),
  })
  .prefault({});

export const eventSubscribeInput = z
  .object({
    lastEventId: eventCursor
      .meta({ description: 'Resume after this event; leave out to start from now' })
      .nullish(),
    types: eventTypes.optional(),
  })
  .prefault({});

/** The event types of one aggregate, as a zod enum. */
function typesOf<A extends string>(aggregate: A) {
  const types = EVENT_TYPES.filter((type) => type.startsWith(`${aggregate}.`));
  return z.enum(
    types as [Extract<EventType, `${A}.${string}`>, ...Extract<EventType, `${A}.${string}`>[]],
  );
}

const previous = z.record(z.string(), z.unknown()).meta({
  description:
    "The changed top-level fields of `object`, with their values before the change (Stripe's " +
    '`previous_attributes`); `{}` for a creation.',
  examples: [{ status: 'PENDING' }],
});

/**
 * One aggregate's envelope (the OpenAPI component `id`): `data.object` is the aggregate exactly
 * as the API returns it.
 */
function envelope<A extends string, D extends z.ZodRawShape>(aggregate: A, id: string, data: D) {
  return z
    .object({
      id: z.string().meta({
        description: 'Unique; a receiver dedupes on it',
        examples: ['evt_3f2b8c1e-7d4a-4e9b-9c0d-5a6b7c8d9e0f'],
      }),
      type: typesOf(aggregate),
      createdAt: isoTime,
      cursor: z
        .string()
        .meta({ description: 'Pass as `after` (or `lastEventId`) to go on after this event' }),
      aggregate: z.object({
        type: z.literal(aggregate),
        id: z.string(),
        version: z
          .int()
          .meta({ description: "1, 2, …: the event's place in its aggregate's history" }),
      }),
      data: z.object({ previous, ...data }),
      ownerId: z.string().nullable().meta({
        description:
          'The customer it concerns; null: for admins only (products, webhook endpoints)',
      }),
    })
    .meta({ id });
}

export const orderEventOutput = envelope('order', 'OrderEvent', {
  object: orderOutput,
  reason: z
    .enum(CANCELLATION_REASONS)
    .optional()
    .meta({ description: 'order.cancelled only: by its customer, or expired unpaid' }),
});
export const paymentEventOutput = envelope('payment', 'PaymentEvent', { object: paymentOutput });
export const refundEventOutput = envelope('refund', 'RefundEvent', { object: refundOutput });
export const productEventOutput = envelope('product', 'ProductEvent', { object: productOutput });
export const webhookEndpointEventOutput = envelope('webhook_endpoint', 'WebhookEndpointEvent', {
  object: endpointOutput,
});

/** An event: one of the five envelopes, told apart by `type` (and `aggregate.type`). */
export const eventOutput = z
  .discriminatedUnion('type', [
    orderEventOutput,
    paymentEventOutput,
    refundEventOutput,
    productEventOutput,
    webhookEndpointEventOutput,
  ])
  .meta({ id: 'Event' });
export type EventEnvelope = z.infer<typeof eventOutput>;

export const eventPageOutput = z.object({
  items: z.array(eventOutput),
  cursor: z
    .string()
    .nullable()
    .meta({
      description:
        'Where to go on from: the last item’s cursor, or the `after` sent when the page is ' +
        'empty (null when neither). Pass it as `after` on the next call; it never goes back.',
    }),
  hasMore: z.boolean().meta({
    description: 'The page is full: more events may be waiting, ask again without pausing',
  }),
});

/** `events.cursor`'s answer: the cursor of now. */
export const eventCursorOutput = z.object({ cursor: z.string() });
