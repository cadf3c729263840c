import { query } from './cluster.js';
import { compareCursors } from './event-world.js';
import { sleep } from './load.js';

/**
 * The NATS relay's progress as the database shows it: its stored cursor (`event_relays`, the row
 * named after the stream, moved only after a PubAck) against the events table. Every read is on
 * a fresh connection and a failed one (PostgreSQL down) is simply tried again.
 */

/** The relay's stored cursor; null before its first publish. */
export async function relayCursor(databaseUrl: string, stream: string): Promise<string | null> {
  const [row] = await query<{ cursor: string | null }>(
    databaseUrl,
    'select cursor from event_relays where name = $1',
    [stream],
  );
  return row?.cursor ?? null;
}

/** The cursor of the last event committed so far; null when there is none. */
export async function lastEventCursor(databaseUrl: string): Promise<string | null> {
  const [row] = await query<{ cursor: string }>(
    databaseUrl,
    `select xid::text || '-' || seq::text as cursor from events order by xid desc, seq desc limit 1`,
  );
  return row?.cursor ?? null;
}

/** Events after the relay's cursor: what waits to be published. */
export async function relayLag(databaseUrl: string, stream: string): Promise<number> {
  const cursor = await relayCursor(databaseUrl, stream);
  const [xid = '0', seq = '0'] = cursor?.split('-') ?? [];
  const [row] = await query<{ lag: number }>(
    databaseUrl,
    'select count(*)::int as lag from events where (xid, seq) > ($1::xid8, $2::bigint)',
    [xid, seq],
  );
  return row?.lag ?? 0;
}

/**
 * Waits until the relay's cursor has reached the last event committed when it was called; the
 * milliseconds that took, or undefined if not within `withinMs`.
 */
export async function waitForRelay(
  databaseUrl: string,
  stream: string,
  withinMs: number,
): Promise<number | undefined> {
  const started = Date.now();
  const target = await retried(() => lastEventCursor(databaseUrl), withinMs);
  if (target === null) return 0;
  while (Date.now() - started < withinMs) {
    const cursor = await relayCursor(databaseUrl, stream).catch(() => null);
    if (cursor !== null && compareCursors(cursor, target) >= 0) return Date.now() - started;
    await sleep(100);
  }
  return undefined;
}

/** Samples the relay's lag every `everyMs` until stopped; the largest it saw. */
export function sampleRelayLag(
  databaseUrl: string,
  stream: string,
  everyMs = 500,
): { stop(): Promise<number> } {
  const state = { running: true };
  let max = 0;
  const loop = (async () => {
    while (state.running) {
      const lag = await relayLag(databaseUrl, stream).catch(() => undefined);
      if (lag !== undefined) max = Math.max(max, lag);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return max;
    },
  };
}

async function retried<T>(read: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}
