import type { EventType } from '@orders/core';
import { listEvents, type Sql, type StoredEvent } from '@orders/db';
import type { TokenSubject } from '../auth/jwt.js';
import { ownerFilterFor } from '../events/event-visibility.js';

// A cursor is the listing's to define: the events procedures' inputs are checked with it (400).
export { isEventCursor } from '@orders/db';

export interface EventPage {
  readonly events: readonly StoredEvent[];
  /** Where the next page starts: the last event's cursor, else the one asked from. */
  readonly cursor: string | null;
  /** The page is full: more may be waiting. */
  readonly hasMore: boolean;
}

/**
 * `events.list` (and a live stream catching up): a page of the outbox after `after` (null: from
 * the oldest kept), in cursor order, as `reader` may see it. The cursor never goes back: an empty
 * page hands back the one it was given, so a poller that always passes back `cursor` neither
 * skips nor repeats an event.
 */
export async function listEventsFor(
  deps: { db: Sql },
  query: {
    reader: TokenSubject;
    after: string | null;
    types: readonly EventType[] | undefined;
    /** Only events committed after this snapshot (an `EventHorizon`'s): see `listEvents`. */
    committedAfter?: string | undefined;
    limit: number;
  },
): Promise<EventPage> {
  const events = await listEvents(deps.db, {
    after: query.after,
    types: query.types,
    ownerId: ownerFilterFor(query.reader),
    committedAfter: query.committedAfter,
    limit: query.limit,
  });
  return {
    events,
    cursor: events.at(-1)?.cursor ?? query.after,
    hasMore: events.length === query.limit,
  };
}
