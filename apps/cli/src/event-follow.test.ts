import { describe, expect, it } from 'vitest';
import {
  compareEventCursors,
  connectionProblem,
  followEvents,
  type FollowObserver,
  type FollowStatus,
} from './event-follow.js';

/** A fake `events.subscribe`: each call is recorded with its observer, for the test to drive. */
function fakeSubscriptions() {
  const calls: { from: string | undefined; observer: FollowObserver<string>; closed: boolean }[] =
    [];
  const subscribe = (from: string | undefined, observer: FollowObserver<string>) => {
    const call = { from, observer, closed: false };
    calls.push(call);
    return {
      unsubscribe: () => {
        call.closed = true;
      },
    };
  };
  return { calls, subscribe };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

function start(after?: string) {
  const fake = fakeSubscriptions();
  const stop = new AbortController();
  const shown: string[] = [];
  const statuses: FollowStatus[] = [];
  const done = followEvents<string>({
    subscribe: fake.subscribe,
    after,
    signal: stop.signal,
    onEvent: (event) => shown.push(event),
    onStatus: (status) => statuses.push(status),
    isFatal: (error) => error instanceof Error && error.message === 'fatal',
    retryMs: 1,
  });
  return { ...fake, stop, shown, statuses, done };
}

const connected = { state: 'pending', error: null };
const dropped = (message: string) => ({ state: 'connecting', error: new Error(message) });

describe('following events', () => {
  it('shows each event once, in order, even when a resumed stream sends some again', async () => {
    const tail = start('5-1');
    const [first] = tail.calls;
    expect(first?.from).toBe('5-1');
    first?.observer.onConnectionStateChange(connected);
    for (const id of ['5-1', '5-2', '9-1', '10-0', '9-2']) first?.observer.onData({ id, data: id });
    expect(tail.shown).toEqual(['5-2', '9-1', '10-0']);

    first?.observer.onError(new Error('Non-200 status code (502)'));
    await until(() => tail.calls.length === 2);
    expect(first?.closed).toBe(true);
    const second = tail.calls[1];
    expect(second?.from).toBe('10-0');
    second?.observer.onConnectionStateChange(connected);
    for (const id of ['10-0', '10-1']) second?.observer.onData({ id, data: id });
    // The replaced subscription's late callbacks are ignored.
    first?.observer.onData({ id: '11-0', data: 'late' });

    tail.stop.abort();
    expect(await tail.done).toBe('10-1');
    expect(second?.closed).toBe(true);
    expect(tail.shown).toEqual(['5-2', '9-1', '10-0', '10-1']);
    expect(tail.statuses).toEqual([
      { kind: 'connected', after: '5-1' },
      { kind: 'lost', reason: 'the server answered HTTP 502' },
      { kind: 'reconnected', after: '10-0' },
    ]);
  });

  it('says once that the connection is lost while the transport retries, and when it is back', async () => {
    const tail = start();
    const [call] = tail.calls;
    expect(call?.from).toBeUndefined();
    call?.observer.onConnectionStateChange({ state: 'connecting', error: null });
    call?.observer.onConnectionStateChange(connected);
    call?.observer.onData({ id: '3-0', data: 'a' });
    call?.observer.onConnectionStateChange(dropped('TypeError: terminated: other side closed'));
    call?.observer.onConnectionStateChange(dropped('fetch failed: connect ECONNREFUSED'));
    call?.observer.onConnectionStateChange(dropped('fetch failed: connect ECONNREFUSED'));
    call?.observer.onConnectionStateChange(connected);
    call?.observer.onConnectionStateChange(connected);
    tail.stop.abort();
    expect(await tail.done).toBe('3-0');
    expect(tail.statuses).toEqual([
      { kind: 'connected', after: undefined },
      { kind: 'lost', reason: 'the connection was closed' },
      { kind: 'lost', reason: 'connection refused' },
      { kind: 'reconnected', after: '3-0' },
    ]);
    expect(tail.calls).toHaveLength(1);
  });

  it('says when a stream that had shown nothing comes back from now on, since it had nothing to resume after', async () => {
    const tail = start();
    const [call] = tail.calls;
    call?.observer.onConnectionStateChange(connected);
    call?.observer.onConnectionStateChange(dropped('other side closed'));
    call?.observer.onConnectionStateChange(connected);
    tail.stop.abort();
    expect(await tail.done).toBeUndefined();
    expect(tail.statuses.at(-1)).toEqual({ kind: 'reconnected', after: undefined });
  });

  it('starts again from the last event when the server ends the stream', async () => {
    const tail = start();
    tail.calls[0]?.observer.onData({ id: '7-7', data: 'x' });
    tail.calls[0]?.observer.onComplete();
    await until(() => tail.calls.length === 2);
    expect(tail.calls[1]?.from).toBe('7-7');
    tail.stop.abort();
    await tail.done;
  });

  it('ends with an error that no retry mends', async () => {
    const tail = start();
    tail.calls[0]?.observer.onError(new Error('fatal'));
    await expect(tail.done).rejects.toThrow('fatal');
    expect(tail.calls[0]?.closed).toBe(true);
  });

  it('orders cursors as pairs of numbers, not as text', () => {
    expect(compareEventCursors('9-1', '10-0')).toBeLessThan(0);
    expect(compareEventCursors('10-2', '10-10')).toBeLessThan(0);
    expect(compareEventCursors('18446744073709551615-1', '18446744073709551615-0')).toBeGreaterThan(
      0,
    );
    expect(compareEventCursors('4-4', '4-4')).toBe(0);
  });

  it('words connection problems plainly', () => {
    expect(connectionProblem(new Error('Unknown error'))).toBe('the server closed the stream');
    expect(
      connectionProblem(new Error('TypeError: fetch failed: connect ECONNREFUSED 127.0.0.1:1')),
    ).toBe('connection refused');
    expect(connectionProblem(new Error('something else'))).toBe('something else');
  });
});
