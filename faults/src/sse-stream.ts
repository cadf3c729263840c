/**
 * `events.subscribe` read as raw server-sent events over fetch (tRPC's SSE wire format: a
 * `connected` event, then each tracked event as `id: <cursor>` / `data: <envelope>`, a
 * `serialized-error` event when the procedure throws).
 */

/** How long a stream may stay silent (no event, no byte) before it is taken for dead. */
const SILENCE_MS = 10_000;

/**
 * One SSE stream of `events.subscribe`, read until it ends; returns why it ended: `stopped`,
 * `killed` (the connection broke: the instance died), `server-error` (the server sent its
 * `serialized-error`: the stream's database read failed), `ended` (closed without a word, as a
 * server shutting down does), `silent` (nothing for {@link SILENCE_MS}), `http-<status>`,
 * `refused` (no connection at all).
 */
export async function readEventStream(input: {
  url: string;
  token: string;
  lastEventId: string | null;
  stop: AbortSignal;
  onConnected: () => void;
  onEvent: (cursor: string, data: string) => void;
}): Promise<string> {
  const silence = new AbortController();
  const dead = () => {
    silence.abort();
  };
  let timer = setTimeout(dead, SILENCE_MS);
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(dead, SILENCE_MS);
  };
  const signal = AbortSignal.any([input.stop, silence.signal]);
  const why = () => (input.stop.aborted ? 'stopped' : 'silent');
  let response: Response;
  try {
    response = await fetch(`${input.url}/trpc/events.subscribe?input=${encodeURIComponent('{}')}`, {
      headers: {
        authorization: `Bearer ${input.token}`,
        accept: 'text/event-stream',
        ...(input.lastEventId === null ? {} : { 'last-event-id': input.lastEventId }),
      },
      signal,
    });
  } catch {
    clearTimeout(timer);
    return signal.aborted ? why() : 'refused';
  }
  if (!response.ok || response.body === null) {
    clearTimeout(timer);
    await response.body?.cancel().catch(() => undefined);
    return `http-${response.status}`;
  }
  try {
    for await (const message of sseMessages(response.body, heard)) {
      switch (message.event) {
        case 'connected':
          input.onConnected();
          break;
        case 'serialized-error':
          return 'server-error';
        case 'return':
          return 'returned';
        case 'ping':
          break;
        default:
          if (message.id !== undefined && message.id !== '')
            input.onEvent(message.id, message.data);
      }
    }
    return 'ended';
  } catch {
    return signal.aborted ? why() : 'killed';
  } finally {
    clearTimeout(timer);
    await response.body.cancel().catch(() => undefined);
  }
}

interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** The messages of a `text/event-stream` body (the WHATWG parsing rules this server needs). */
async function* sseMessages(
  body: ReadableStream<Uint8Array>,
  heard: () => void,
): AsyncGenerator<SseMessage> {
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let id: string | undefined;
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    heard();
    buffer += text;
    let newline = buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      newline = buffer.search(/\r\n|\r|\n/);
      if (line === '') {
        if (data.length > 0 || event !== 'message') {
          yield { event, data: data.join('\n'), id };
        }
        event = 'message';
        data = [];
        id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
  }
}
