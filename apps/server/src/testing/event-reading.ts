import type { EventEnvelope } from '../routers/event-schemas.js';
import type { TestClient } from './test-client.js';

// The outbox read as a client reads it. A change is listed only once every older transaction has
// ended — the worker's, another request's, another test file's on a shared PostgreSQL — so a read
// right after a call may come a moment early: a test that needs an event waits until it is listed.

/** Every event `client` may read after `after` (without: from the oldest), page by page. */
export async function readAllEvents(
  client: TestClient,
  after?: string,
  pageSize = 500,
): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let cursor = after;
  for (;;) {
    const page = await client.events.list.query({ after: cursor, limit: pageSize });
    events.push(...page.items);
    if (page.cursor !== null) cursor = page.cursor;
    if (!page.hasMore) return events;
  }
}

/**
 * The events `client` may read after `after` that `about` selects, once `done` holds for them:
 * read again every 50 ms until then, for 10 s — then returned as they are, for the test's
 * assertions to say what is missing.
 */
export async function eventsWhere(
  client: TestClient,
  about: (event: EventEnvelope) => boolean,
  done: (events: EventEnvelope[]) => boolean,
  after?: string,
): Promise<EventEnvelope[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = (await readAllEvents(client, after)).filter(about);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** {@link eventsWhere} for the events about the given aggregates. */
export function eventsAbout(
  client: TestClient,
  ids: readonly string[],
  done: (events: EventEnvelope[]) => boolean,
): Promise<EventEnvelope[]> {
  return eventsWhere(client, (event) => ids.includes(event.aggregate.id), done);
}

export const typesOf = (events: readonly EventEnvelope[]) => events.map((event) => event.type);

/** A `done` for {@link eventsWhere}: an event of `type` is among them. */
export const hasType = (type: EventEnvelope['type']) => (events: readonly EventEnvelope[]) =>
  events.some((event) => event.type === type);
