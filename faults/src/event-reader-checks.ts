import type { FollowedEvent, FollowerRecord } from './event-follower.js';
import { compareCursors, type ApiEvent, type StoredEventRow } from './event-world.js';

/**
 * What readers of the outbox are shown, against the table: `events.list` paged from the oldest
 * event, and what the scenario's follower received from `events.subscribe`.
 */

export const FOLLOWER_INVARIANT =
  'a follower subscribed to events.subscribe (as an admin, live from before the load) and resuming with its last event id on a live instance whenever its stream dropped saw every event events.list shows after its start exactly once, in cursor order';

/** How `events.list` differs from the table: events missing, added, repeated, reordered, altered. */
export function apiProblems(table: readonly StoredEventRow[], api: readonly ApiEvent[]): string[] {
  const listed = new Map<string, ApiEvent>();
  const problems: string[] = [];
  for (const event of api) {
    if (listed.has(event.id)) problems.push(`${event.id} (${event.type}) listed twice`);
    listed.set(event.id, event);
  }
  const stored = new Set(table.map((e) => e.id));
  for (const event of api) {
    if (!stored.has(event.id)) problems.push(`${event.id} (${event.type}) is not in the table`);
  }
  for (const event of table) {
    const shown = listed.get(event.id);
    if (shown === undefined) {
      problems.push(`${event.id} (${event.type}, ${event.cursor}) was never listed`);
      continue;
    }
    const differs = [
      shown.type !== event.type && 'type',
      shown.cursor !== event.cursor && 'cursor',
      (shown.aggregate.type !== event.aggregateType ||
        shown.aggregate.id !== event.aggregateId ||
        shown.aggregate.version !== event.version) &&
        'aggregate',
      shown.ownerId !== event.ownerId && 'ownerId',
      shown.createdAt !== event.createdAt.toISOString() && 'createdAt',
      canonical(shown.data) !== canonical(event.data) && 'data',
    ].filter((field): field is string => field !== false);
    if (differs.length > 0) problems.push(`${event.id}: ${differs.join(', ')} differ`);
  }
  const order = api.filter((e) => stored.has(e.id)).map((e) => e.id);
  const expected = table.filter((e) => listed.has(e.id)).map((e) => e.id);
  const at = order.findIndex((id, i) => id !== expected[i]);
  if (at >= 0) problems.push(`listed out of cursor order from ${order[at]} (position ${at})`);
  return problems;
}

/** JSON with keys sorted, so that jsonb's key order does not count as a difference. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Lines shown per kind of follower problem; the first line counts them all. */
const SHOWN = 10;

/**
 * How the follower's events differ from what `events.list` shows after its start: events it
 * missed, saw more than once, saw though not listed, or saw out of cursor order.
 */
export function followerProblems(
  record: FollowerRecord,
  listed: readonly Pick<ApiEvent, 'id' | 'type' | 'cursor'>[],
): string[] {
  const { startCursor } = record;
  const expected = listed.filter(
    (e) => startCursor === null || compareCursors(e.cursor, startCursor) > 0,
  );
  const seen = new Map<string, FollowedEvent[]>();
  for (const event of record.events) seen.set(event.id, [...(seen.get(event.id) ?? []), event]);
  const expectedIds = new Set(expected.map((e) => e.id));
  const missed = expected.filter((e) => !seen.has(e.id));
  const repeated = [...seen.values()].filter((copies) => copies.length > 1);
  const unlisted = record.events.filter((e) => !expectedIds.has(e.id));
  const reordered = record.events.filter(
    (e, i) => i > 0 && compareCursors(e.cursor, record.events[i - 1]?.cursor ?? '0-0') <= 0,
  );
  if (missed.length + repeated.length + unlisted.length + reordered.length === 0) return [];
  return [
    `${expected.length} listed after ${startCursor ?? 'the start'}, ${record.events.length} seen: ` +
      `${missed.length} missed, ${repeated.length} seen more than once, ` +
      `${unlisted.length} not listed, ${reordered.length} out of cursor order`,
    ...missed.slice(0, SHOWN).map((e) => `missed ${e.id} (${e.type}, ${e.cursor})`),
    ...repeated
      .slice(0, SHOWN)
      .map((copies) => `seen ${copies.length} times: ${copies[0]?.id} (${copies[0]?.type})`),
    ...unlisted.slice(0, SHOWN).map((e) => `seen, not listed: ${e.id} (${e.type}, ${e.cursor})`),
    ...reordered.slice(0, SHOWN).map((e) => `out of cursor order: ${e.id} (${e.cursor})`),
  ];
}
