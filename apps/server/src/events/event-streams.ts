import { setTimeout as sleep } from 'node:timers/promises';
import type { EventType } from '@orders/core';
import { eventHorizon, type Sql, type StoredEvent } from '@orders/db';
import type { TokenSubject } from '../auth/jwt.js';
import { listEventsFor } from '../use-cases/list-events.js';

/** Events read per query while a stream catches up. */
const CATCH_UP_BATCH = 100;
/** How long `close` waits for the streams to notice; a stalled client does not hold shutdown. */
const CLOSE_GRACE_MS = 2_000;

export interface FollowRequest {
  readonly reader: TokenSubject;
  /** Resume after this cursor; null: from now (only events committed from here on). */
  readonly after: string | null;
  readonly types: readonly EventType[] | undefined;
  /** The client's request: aborted when it goes away. */
  readonly signal: AbortSignal | undefined;
}

/** The live side of the outbox: every `events.subscribe` stream of this instance. */
export interface EventStreams {
  /**
   * The events `reader` may see after `after`, in cursor order, then each new one as it commits:
   * the outbox is read again every `pollMs` (at once while a read comes back full). The stream
   * ends by throwing an AbortError when the request is aborted or the streams are closed.
   * Resolves once its starting point is fixed, before the client hears that its subscription
   * started: an event it causes after that is never missed.
   */
  follow(request: FollowRequest): Promise<AsyncGenerator<StoredEvent, never, undefined>>;
  /** Streams open now (the `event_subscribers` gauge). */
  open(): number;
  /** Whether `close` was called: no new stream may start. */
  closed(): boolean;
  /**
   * Ends every stream and refuses new ones (shutdown). They end as an abort, not as a finished
   * subscription, so their clients reconnect — to another instance, or to this one restarted —
   * and resume from their last event id. Resolves once they have stopped (or after a grace).
   */
  close(): Promise<void>;
}

/**
 * The streams poll each on its own (one indexed range read per stream per `pollMs`): simple, and
 * each resumes from its own cursor. Many subscribers per instance would call for one shared
 * reader fanning out instead.
 */
export function createEventStreams(deps: { db: Sql; pollMs: number }): EventStreams {
  const closing = new AbortController();
  let open = 0;
  let drained: (() => void) | undefined;

  async function follow(request: FollowRequest) {
    const stop = request.signal
      ? AbortSignal.any([request.signal, closing.signal])
      : closing.signal;
    stop.throwIfAborted();
    if (request.after !== null) return tail({ ...request, after: request.after }, stop);
    // From now, exactly: what was committed before is left out even where the cursor of now
    // lags behind it (held back by a transaction still running somewhere in the cluster).
    const now = await eventHorizon(deps.db);
    return tail({ ...request, after: now.cursor, committedAfter: now.snapshot }, stop);
  }

  async function* tail(
    request: FollowRequest & { readonly after: string; readonly committedAfter?: string },
    stop: AbortSignal,
  ): AsyncGenerator<StoredEvent, never, undefined> {
    open += 1;
    try {
      let after = request.after;
      for (;;) {
        stop.throwIfAborted();
        const page = await listEventsFor(deps, {
          reader: request.reader,
          after,
          types: request.types,
          committedAfter: request.committedAfter,
          limit: CATCH_UP_BATCH,
        });
        for (const event of page.events) {
          yield event;
          after = event.cursor;
        }
        if (!page.hasMore) await sleep(deps.pollMs, undefined, { signal: stop });
      }
    } finally {
      open -= 1;
      if (open === 0) drained?.();
    }
  }

  return {
    follow,
    open: () => open,
    closed: () => closing.signal.aborted,
    async close() {
      closing.abort();
      if (open === 0) return;
      const allEnded = new Promise<void>((resolve) => {
        drained = resolve;
      });
      await Promise.race([allEnded, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
    },
  };
}
