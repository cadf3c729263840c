import { expect } from 'vitest';

// `events.subscribe` read as any SSE client reads it, without tRPC's client or EventSource: what
// goes over the wire (frames of `event:`, `id:` and `data:` lines) is then what the test sees.

export interface SseFrame {
  readonly event?: string;
  readonly id?: string;
  readonly data: string;
}

/**
 * `events.subscribe` read as any SSE client reads it: a GET with `Last-Event-ID`, the body split
 * into frames, until `messages` events arrived (or the stream ended, or 15 s passed: then it
 * throws, saying what came); then the connection is dropped.
 */
export async function readSse(
  url: string,
  token: string,
  lastEventId: string,
  messages: number,
): Promise<SseFrame[]> {
  // An empty Last-Event-ID is no id at all (tRPC ignores it): the stream would start at now and
  // wait for events that never come.
  if (lastEventId === '') throw new Error('readSse needs an event id to resume after');
  const abort = new AbortController();
  const input = encodeURIComponent(JSON.stringify({}));
  const response = await fetch(`${url}/trpc/events.subscribe?input=${input}`, {
    headers: {
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
      'last-event-id': lastEventId,
    },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const frames: SseFrame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const received = () => frames.filter((frame) => frame.event === undefined).length;
  // A stream the server ended says so with one of these: waiting on would wait for nothing.
  const ended = () =>
    frames.some((frame) => frame.event === 'return' || frame.event === 'serialized-error');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, 15_000);
  try {
    while (received() < messages && !ended()) {
      const chunk = await reader.read().catch((error: unknown) => {
        if (!timedOut) throw error;
        const seen = frames.map((frame) => frame.event ?? frame.id).join(', ');
        throw new Error(`received ${received()} of ${messages} events in 15 s: ${seen}`);
      });
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame = parseFrame(block);
        if (frame !== undefined) frames.push(frame);
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return frames;
}

function parseFrame(block: string): SseFrame | undefined {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = line.slice(colon + 1).replace(/^ /, '');
    const name = line.slice(0, colon);
    fields.set(
      name,
      name === 'data' && fields.has('data') ? `${fields.get('data')}\n${value}` : value,
    );
  }
  const data = fields.get('data');
  if (data === undefined) return undefined;
  const event = fields.get('event');
  const id = fields.get('id');
  return { ...(event === undefined ? {} : { event }), ...(id === undefined ? {} : { id }), data };
}
