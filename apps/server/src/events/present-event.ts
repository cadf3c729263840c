import type { StoredEvent } from '@orders/db';
import type { EventEnvelope } from '../routers/event-schemas.js';

/**
 * An event as the API sends it (DESIGN §2, Stripe's envelope). Its `data` is stored as written
 * (event-builders.ts presented the subject as the API returns it) and goes out as stored; the
 * procedures' output schema checks it on the way.
 */
export function presentEvent(event: StoredEvent): EventEnvelope {
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    cursor: event.cursor,
    aggregate: {
      type: event.aggregateType,
      id: event.aggregateId,
      version: event.aggregateVersion,
    },
    data: event.data,
    ownerId: event.ownerId,
  } as EventEnvelope;
}
