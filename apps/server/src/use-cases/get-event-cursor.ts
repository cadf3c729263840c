import { currentEventCursor, type Sql } from '@orders/db';

/**
 * `events.cursor`: the cursor of now. Every event committed from here on comes after it, so a
 * reader that starts from it misses none, even if its first connection drops before any arrives.
 */
export function getEventCursor(deps: { db: Sql }): Promise<string> {
  return currentEventCursor(deps.db);
}
