import { compareCursors, listAllEvents, type ApiEvent, type EventPage } from './event-world.js';
import { sleep } from './load.js';
import { readEventStream } from './sse-stream.js';
import type { Fleet, ServerInstance } from './servers.js';

/**
 * One `events.subscribe` reader for the length of a scenario, read as raw server-sent events
 * over fetch rather than through tRPC's `httpSubscriptionLink` + `eventsource`: an EventSource
 * reconnects by itself to the URL it was opened with, about 3 s later, so a dead instance would
 * hold the follower until it came back on that port; here each drop (the instance killed -9,
 * the stream ended by a database error, a refused connection) is followed within a quarter of a
 * second by a new stream on any live instance, with the last event's cursor as `Last-Event-ID`
 * (the server passes it to the procedure as `lastEventId`). Nothing is filtered: a duplicate the
 * server sends is recorded, for the check to find.
 */

/** The pause before opening a stream again after one dropped or was refused. */
const RECONNECT_PAUSE_MS: readonly [number, number] = [100, 250];

/** An event as the stream delivered it: its SSE id (the cursor) and what it said. */
export interface FollowedEvent {
  readonly cursor: string;
  readonly id: string;
  readonly type: string;
  /** Milliseconds since the follower started. */
  readonly at: number;
}

/** What the follower saw, and how often its stream had to be opened again. */
export interface FollowerRecord {
  /** Where it started: `events.cursor` (the cursor of now) just before it subscribed. */
  readonly startCursor: string | null;
  readonly events: readonly FollowedEvent[];
  /** Streams that reached `connected` after the first one (each resumed with `Last-Event-ID`). */
  readonly reconnects: number;
  /** Why each stream ended or was refused before the stop: `killed`, `server-error`, … */
  readonly drops: Readonly<Record<string, number>>;
  /** Streams opened on each instance, by index. */
  readonly connectionsByInstance: Readonly<Record<string, number>>;
}

export interface EventFollower {
  /** Stops at once (closing the open stream) and returns what it saw. */
  stop(): Promise<FollowerRecord>;
  /** The cursor of the last event received (null: none yet). */
  lastCursor(): string | null;
  /** The instance its stream is open on, or being opened on (by index). */
  instance(): number | undefined;
}

/**
 * Subscribes with the admin's token on a live instance without `lastEventId` (live from now),
 * and resolves once the server has said `connected`: its starting point is then fixed, so an
 * event committed after this resolves is never missed. `startCursor` is the horizon the caller
 * took just before (`events.cursor`, in a quiet system: the same point).
 */
export async function startFollower(input: {
  readonly fleet: Fleet;
  readonly token: string;
  readonly startCursor: string | null;
}): Promise<EventFollower> {
  const started = Date.now();
  const stopping = new AbortController();
  const events: FollowedEvent[] = [];
  const drops: Record<string, number> = {};
  const connectionsByInstance: Record<string, number> = {};
  let connections = 0;
  // Set by the stream's callback: typed wide, or the checker narrows it to null for good.
  let last = null as string | null;
  let current: number | undefined;
  let firstConnected: (() => void) | undefined;
  let firstFailed: ((error: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    firstConnected = resolve;
    firstFailed = reject;
  });

  const stopped = () => stopping.signal.aborted;
  // Until the first event arrives, a stream that dropped resumes from where the follower started:
  // reopened live from "now", it would skip what was written in between.
  const resumeAfter = () => last ?? input.startCursor;
  const loop = (async () => {
    while (!stopped()) {
      const instance = pickLive(input.fleet);
      current = instance.index;
      connectionsByInstance[instance.index] = (connectionsByInstance[instance.index] ?? 0) + 1;
      const ended = await readEventStream({
        url: instance.url,
        token: input.token,
        lastEventId: resumeAfter(),
        stop: stopping.signal,
        onConnected() {
          connections += 1;
          firstConnected?.();
        },
        onEvent(cursor, data) {
          const { id, type } = envelopeOf(data);
          events.push({ cursor, id, type, at: Date.now() - started });
          last = cursor;
        },
      });
      if (stopped()) break;
      drops[ended] = (drops[ended] ?? 0) + 1;
      // The first stream must open: a follower that never started would prove nothing.
      if (connections === 0 && Date.now() - started > 10_000) {
        firstFailed?.(new Error(`the event follower could not subscribe: ${ended}`));
        return;
      }
      await sleep(
        RECONNECT_PAUSE_MS[0] + Math.random() * (RECONNECT_PAUSE_MS[1] - RECONNECT_PAUSE_MS[0]),
      );
    }
  })();
  await ready;

  return {
    lastCursor: () => last,
    instance: () => current,
    async stop() {
      stopping.abort();
      await loop;
      return {
        startCursor: input.startCursor,
        events,
        reconnects: Math.max(0, connections - 1),
        drops,
        connectionsByInstance,
      };
    },
  };
}

function envelopeOf(data: string): { id: string; type: string } {
  const parsed = JSON.parse(data) as { id?: unknown; type?: unknown };
  return { id: String(parsed.id), type: String(parsed.type) };
}

function pickLive(fleet: Fleet): ServerInstance {
  const live = fleet.liveInstances();
  const from = live.length > 0 ? live : fleet.instances;
  const instance = from[Math.floor(Math.random() * from.length)];
  if (instance === undefined) throw new Error('a fleet has at least one instance');
  return instance;
}

/** How long the follower gets to catch up with `events.list` once the run has settled. */
const CATCH_UP_MS = 15_000;

/**
 * Once the run has settled: lists every event after the follower's start, waits until the
 * follower has received the last of them (or {@link CATCH_UP_MS}), then stops it. Returns what
 * it saw and what was listed, for `followerProblems`.
 */
export async function catchUpAndStop(
  follower: EventFollower,
  startCursor: string | null,
  list: (after: string | undefined, limit: number) => Promise<EventPage>,
): Promise<{ readonly record: FollowerRecord; readonly listed: readonly ApiEvent[] }> {
  const { events: listed } = await listAllEvents(list, startCursor ?? undefined);
  const target = listed.at(-1)?.cursor;
  const deadline = Date.now() + CATCH_UP_MS;
  while (target !== undefined && Date.now() < deadline) {
    const last = follower.lastCursor();
    if (last !== null && compareCursors(last, target) >= 0) break;
    await sleep(100);
  }
  return { record: await follower.stop(), listed };
}
