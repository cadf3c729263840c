/**
 * The live tail of `events --follow`: one subscription (tRPC over SSE), kept open until the user
 * stops it. Each event carries its cursor as its SSE id, so a stream that drops resumes after the
 * last event received: the EventSource sends it back as `Last-Event-ID` when it reconnects, and a
 * subscription started again here passes it as `lastEventId`. An event at or before that cursor
 * is never shown again.
 */

/** An event as the subscription delivers it: its cursor (`id`) and the envelope. */
export interface TrackedEvent<E> {
  readonly id: string;
  readonly data: E;
}

/** The callbacks of a tRPC subscription that the tail uses (as `subscribe()` takes them). */
export interface FollowObserver<E> {
  onData(value: TrackedEvent<E>): void;
  onError(error: unknown): void;
  onComplete(): void;
  onConnectionStateChange(state: { readonly state: string; readonly error: unknown }): void;
}

/** Opens the subscription after `from` (undefined: from now). */
export type Subscribe<E> = (
  from: string | undefined,
  observer: FollowObserver<E>,
) => { unsubscribe(): void };

/** What the user is told on stderr about the connection. */
export type FollowStatus =
  | { readonly kind: 'connected'; readonly after: string | undefined }
  | { readonly kind: 'lost'; readonly reason: string }
  | { readonly kind: 'reconnected'; readonly after: string | undefined };

export interface FollowOptions<E> {
  readonly subscribe: Subscribe<E>;
  /** Show only events after this cursor (`--after`); undefined: from now. */
  readonly after: string | undefined;
  /** Aborted when the user stops (Ctrl-C): the tail then ends normally. */
  readonly signal: AbortSignal;
  readonly onEvent: (event: E, cursor: string) => void;
  readonly onStatus: (status: FollowStatus) => void;
  /** An error no retry can mend (the login expired, access refused): the tail ends with it. */
  readonly isFatal: (error: unknown) => boolean;
  /** The wait before a subscription that ended is started again. */
  readonly retryMs: number;
}

/**
 * Shows each event once, in cursor order, until `signal` aborts; resolves with the cursor of the
 * last event shown (or `after`). The subscription's own transport reconnects after a network
 * failure or a server restart; a subscription that ends anyway (the server refused the stream,
 * or ended it) is started again after `retryMs` from the last cursor. Rejects only with an error
 * `isFatal` picks.
 */
export function followEvents<E>(options: FollowOptions<E>): Promise<string | undefined> {
  const { signal } = options;
  let last = options.after;
  let connectedOnce = false;
  let lost: string | undefined;
  let current: { unsubscribe(): void } | undefined;
  let retry: NodeJS.Timeout | undefined;

  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(retry);
      current?.unsubscribe();
      current = undefined;
      if (error === undefined) resolve(last);
      else reject(error instanceof Error ? error : new Error(connectionProblem(error)));
    };
    const onAbort = () => {
      finish();
    };
    const reportLost = (reason: string) => {
      if (reason === lost) return;
      lost = reason;
      options.onStatus({ kind: 'lost', reason });
    };

    const start = () => {
      if (signal.aborted) return;
      // One subscription at a time: its callbacks are ignored once it has been replaced.
      let ended = false;
      const subscription = options.subscribe(last, {
        onData({ id, data }) {
          if (ended) return;
          if (last !== undefined && compareEventCursors(id, last) <= 0) return;
          last = id;
          options.onEvent(data, id);
        },
        onConnectionStateChange({ state, error }) {
          if (ended) return;
          if (state === 'pending') {
            const kind = connectedOnce ? 'reconnected' : 'connected';
            if (!connectedOnce || lost !== undefined) options.onStatus({ kind, after: last });
            connectedOnce = true;
            lost = undefined;
          } else if (state === 'connecting' && error !== null && error !== undefined) {
            reportLost(connectionProblem(error));
          }
        },
        onError(error) {
          if (ended) return;
          ended = true;
          if (options.isFatal(error)) {
            finish(error);
            return;
          }
          reportLost(connectionProblem(error));
          restartLater();
        },
        onComplete() {
          if (ended) return;
          ended = true;
          reportLost('the server ended the stream');
          restartLater();
        },
      });
      current = {
        unsubscribe() {
          ended = true;
          subscription.unsubscribe();
        },
      };
    };
    const restartLater = () => {
      current?.unsubscribe();
      current = undefined;
      retry = setTimeout(start, options.retryMs);
    };

    if (signal.aborted) {
      resolve(last);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    start();
  });
}

/**
 * Cursors in the order the server hands them out: `<xid>-<seq>`, compared as the pair of numbers
 * (`packages/db` `event-cursor.ts`). Negative when `a` comes first.
 */
export function compareEventCursors(a: string, b: string): number {
  const [ax, as] = cursorParts(a);
  const [bx, bs] = cursorParts(b);
  if (ax !== bx) return ax < bx ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function cursorParts(cursor: string): [bigint, bigint] {
  const [xid = '0', seq = '0'] = cursor.split('-');
  try {
    return [BigInt(xid), BigInt(seq)];
  } catch {
    return [0n, 0n];
  }
}

/** Connection failures as the EventSource words them, in a few plain words. */
const PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ECONNRESET|other side closed|terminated/, 'the connection was closed'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  [/ETIMEDOUT|TimeoutError|no answer in time/, 'no answer in time'],
  [/EHOSTUNREACH|ENETUNREACH/, 'host unreachable'],
  [/Non-200 status code \((\d+)\)/, 'the server answered HTTP $1'],
];

/** Why the stream is down, for the "reconnecting" line. */
export function connectionProblem(error: unknown): string {
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'Unknown error';
  for (const [pattern, words] of PROBLEMS) {
    const match = pattern.exec(message);
    if (match) return words.replace('$1', match[1] ?? '?');
  }
  // A stream the server closed without an error (it shut down) has nothing to say.
  return message === '' || message === 'Unknown error' ? 'the server closed the stream' : message;
}
