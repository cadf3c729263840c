import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../router.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { placeOrderFor } from '../testing/payment-fixtures.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { logInAdmin, signUpCustomer, type TestClient } from '../testing/test-client.js';
import { startTestServer, TEST_ADMIN, type TestServer } from '../testing/test-server.js';
import type { EventEnvelope } from './event-schemas.js';

// events.subscribe as clients use it: tRPC's own httpSubscriptionLink over the `eventsource`
// package (Node 20 has no EventSource), and a bare SSE reader; reconnecting with the last id
// resumes exactly where the stream stopped, across a restart of the server too.

let server: TestServer;
let admin: TestClient;
let adminToken: string;
const running: { stop(): void }[] = [];
let child: ServerProcess | undefined;

beforeAll(async () => {
  server = await startTestServer({ events: { retentionDays: 30, pollMs: 50 } });
  admin = await logInAdmin(server.url);
  adminToken = (await createClient(server.url).auth.login.mutate(TEST_ADMIN)).accessToken;
});
afterAll(async () => {
  for (const subscription of running) subscription.stop();
  await child?.kill();
  await server.close();
});

/** A tRPC client whose subscriptions go over SSE, the token in a header or the connection params. */
function createClient(url: string, token?: string, via: 'header' | 'params' = 'header') {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          ...(via === 'params'
            ? { connectionParams: token === undefined ? {} : { token } }
            : {
                eventSourceOptions: {
                  fetch: (input: string | URL, init: EventSourceFetchInit) =>
                    fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
                },
              }),
        }),
        false: httpLink({ url: `${url}/trpc`, headers }),
      }),
    ],
  });
}

interface Delivered {
  readonly id: string;
  readonly event: EventEnvelope;
}

/** A running subscription: what it received, its errors, and a way to wait for more. */
function subscribe(
  client: ReturnType<typeof createClient>,
  input: { lastEventId?: string; types?: EventEnvelope['type'][] } = {},
) {
  const received: Delivered[] = [];
  const errors: unknown[] = [];
  const states: string[] = [];
  let completed = false;
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const subscription = client.events.subscribe.subscribe(input, {
    onStarted,
    onData: ({ id, data }) => received.push({ id, event: data }),
    onError: (error) => errors.push(error),
    onConnectionStateChange: (state) => states.push(state.state),
    onComplete: () => {
      completed = true;
    },
  });
  const handle = {
    received,
    errors,
    states,
    completed: () => completed,
    started,
    stop: () => {
      subscription.unsubscribe();
    },
    /** Waits until `count` events arrived (fails the test after `ms`). */
    async waitFor(count: number, ms = 15_000): Promise<Delivered[]> {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `received ${received.length} of ${count} events: ${typesOf(received).join(', ')}`,
          );
        }
        await sleep(20);
      }
      return received;
    },
  };
  running.push(handle);
  return handle;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const typesOf = (delivered: readonly Delivered[]) => delivered.map(({ event }) => event.type);
const idsOf = (delivered: readonly Delivered[]) => delivered.map(({ id }) => id);

/** Long enough for several polls (50 ms): anything more would have arrived by then. */
const QUIET_MS = 400;

let serial = 0;
const nextSku = () => `SSE-${++serial}`;

async function newCustomer() {
  return signUpCustomer(server.url, `sse-${randomUUID()}@example.com`);
}

/** Every event `client` may read after `after`, from events.list. */
async function listed(client: TestClient, after?: string): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let cursor = after;
  for (;;) {
    const page = await client.events.list.query({ after: cursor, limit: 500 });
    events.push(...page.items);
    if (page.cursor !== null) cursor = page.cursor;
    if (!page.hasMore) return events;
  }
}

/** {@link listed}, until it gives at least `count` events (a reader waits for older transactions). */
async function listedAtLeast(
  client: TestClient,
  count: number,
  after?: string,
): Promise<EventEnvelope[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = await listed(client, after);
    if (events.length >= count) return events;
    if (Date.now() > deadline) throw new Error(`listed ${events.length} of ${count} events`);
    await sleep(20);
  }
}

describe('events.subscribe', () => {
  it('delivers new events live, in order, each with its cursor as its id', async () => {
    const customer = await newCustomer();
    const stream = subscribe(createClient(server.url, customer.token));
    await stream.started;

    const first = await placeOrderFor(admin, customer.client, { sku: nextSku() });
    await customer.client.orders.cancel.mutate({ id: first.id });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });

    const received = await stream.waitFor(3);
    expect(typesOf(received)).toEqual(['order.created', 'order.cancelled', 'order.created']);
    expect(received.map(({ event }) => event.cursor)).toEqual(idsOf(received));
    expect(received.map(({ event }) => event)).toEqual(await listed(customer.client));
    expect(stream.errors).toEqual([]);
    stream.stop();
  });

  it('starts at now without lastEventId: nothing older comes', async () => {
    const customer = await newCustomer();
    const before = await placeOrderFor(admin, customer.client, { sku: nextSku() });
    const stream = subscribe(createClient(server.url, customer.token));
    await stream.started;
    const after = await placeOrderFor(admin, customer.client, { sku: nextSku() });

    await stream.waitFor(1);
    await sleep(QUIET_MS);
    expect(stream.received.map(({ event }) => event.aggregate.id)).toEqual([after.id]);
    expect(stream.received.map(({ event }) => event.aggregate.id)).not.toContain(before.id);
    stream.stop();
  });

  it('resumes after a reconnect with lastEventId: exactly the missed events, once, in order', async () => {
    const customer = await newCustomer();
    const client = createClient(server.url, customer.token);
    const first = subscribe(client);
    await first.started;
    const order = await placeOrderFor(admin, customer.client, { sku: nextSku() });
    const [seen] = await first.waitFor(1);
    first.stop();

    // Missed while away.
    await customer.client.orders.cancel.mutate({ id: order.id });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });
    const missed = await listedAtLeast(customer.client, 2, seen?.id);
    expect(missed.map((event) => event.type)).toEqual(['order.cancelled', 'order.created']);

    const second = subscribe(client, { lastEventId: seen?.id });
    await second.waitFor(2);
    await sleep(QUIET_MS);
    expect(second.received.map(({ event }) => event)).toEqual(missed);
    second.stop();
  });

  it('serves a bare SSE client: Last-Event-ID resumes it, each event an `id:` and a `data:` line', async () => {
    const customer = await newCustomer();
    const order = await placeOrderFor(admin, customer.client, { sku: nextSku() });
    // Listed once no older transaction anywhere on the server holds them back. Read too early,
    // there would be no cursor to resume from, and a stream without one starts at now.
    const [created] = await listedAtLeast(customer.client, 1);
    if (created === undefined) throw new Error('the order was never listed');
    await customer.client.orders.cancel.mutate({ id: order.id });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });
    const missed = await listedAtLeast(customer.client, 2, created.cursor);

    const frames = await readSse(server.url, customer.token, created.cursor, missed.length);
    expect(frames.slice(0, 1)).toEqual([{ event: 'connected', data: expect.any(String) }]);
    const messages = frames.filter((frame) => frame.event === undefined);
    expect(messages.map((frame) => frame.id)).toEqual(missed.map((event) => event.cursor));
    expect(messages.map((frame) => JSON.parse(frame.data) as unknown)).toEqual(missed);
  });

  it("carries only the customer's own events; an admin's stream carries everyone's", async () => {
    const ann = await newCustomer();
    const bob = await newCustomer();
    const annStream = subscribe(createClient(server.url, ann.token));
    const adminStream = subscribe(createClient(server.url, adminToken), {
      types: ['order.created'],
    });
    await Promise.all([annStream.started, adminStream.started]);

    const bobs = await placeOrderFor(admin, bob.client, { sku: nextSku() });
    await bob.client.orders.cancel.mutate({ id: bobs.id });
    const anns = await placeOrderFor(admin, ann.client, { sku: nextSku() });

    await annStream.waitFor(1);
    await adminStream.waitFor(2);
    await sleep(QUIET_MS);
    expect(annStream.received.map(({ event }) => [event.type, event.aggregate.id])).toEqual([
      ['order.created', anns.id],
    ]);
    expect(adminStream.received.map(({ event }) => [event.type, event.ownerId])).toEqual([
      ['order.created', bob.userId],
      ['order.created', ann.userId],
    ]);
    annStream.stop();
    adminStream.stop();
  });

  it('takes the token from connectionParams, as a browser must, and refuses a stream without one', async () => {
    const customer = await newCustomer();
    const stream = subscribe(createClient(server.url, customer.token, 'params'));
    await stream.started;
    await placeOrderFor(admin, customer.client, { sku: nextSku() });
    expect(typesOf(await stream.waitFor(1))).toEqual(['order.created']);
    stream.stop();

    const anonymous = subscribe(createClient(server.url, undefined, 'params'));
    const deadline = Date.now() + 10_000;
    while (anonymous.errors.length === 0 && Date.now() < deadline) await sleep(20);
    expect(anonymous.errors).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ code: 'UNAUTHORIZED' }) }),
    ]);
    anonymous.stop();
  });

  it('counts its open streams in event_subscribers', async () => {
    const customer = await newCustomer();
    const gauge = async () => metricValue(await scrapeMetrics(server.url), 'event_subscribers');
    const idle = await gauge();
    const streams = [1, 2].map(() => subscribe(createClient(server.url, customer.token)));
    await Promise.all(streams.map((stream) => stream.started));
    expect(await gauge()).toBe(idle + 2);
    for (const stream of streams) stream.stop();
    const deadline = Date.now() + 5_000;
    while ((await gauge()) !== idle && Date.now() < deadline) await sleep(20);
    expect(await gauge()).toBe(idle);
  });
});

describe('a server with open streams', () => {
  it('closes promptly: its streams end, as a drop the client recovers from, not a finished subscription', async () => {
    const other = await startTestServer({ databaseUrl: server.config.databaseUrl });
    const customer = await newCustomer();
    const stream = subscribe(createClient(other.url, customer.token));
    await stream.started;
    expect(stream.states).toEqual(['connecting', 'pending']);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    // The client lost its connection and tries again; it was not told the stream was over.
    const deadline = Date.now() + 5_000;
    while (stream.states.length < 3 && Date.now() < deadline) await sleep(20);
    expect(stream.states).toEqual(['connecting', 'pending', 'connecting']);
    expect(stream.completed()).toBe(false);
    expect(stream.errors).toEqual([]);
    stream.stop();
  });

  it('restarted after a kill, resumes each client from its last id: no event lost, none twice', async () => {
    const databaseUrl = server.config.databaseUrl ?? '';
    child = await startServerProcess(databaseUrl, { EVENT_POLL_MS: '50' });
    const { port } = new URL(child.url);
    const customer = await newCustomer();
    const stream = subscribe(createClient(child.url, customer.token));
    await stream.started;
    const order = await placeOrderFor(admin, customer.client, { sku: nextSku() });
    await stream.waitFor(1);

    await child.kill();
    // Events while the server is down, then more once it is back.
    await customer.client.orders.cancel.mutate({ id: order.id });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });
    child = await startServerProcess(databaseUrl, { EVENT_POLL_MS: '50', PORT: port });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });

    await stream.waitFor(4, 30_000);
    await sleep(QUIET_MS);
    expect(stream.received.map(({ event }) => event)).toEqual(await listed(customer.client));
    expect(typesOf(stream.received)).toEqual([
      'order.created',
      'order.cancelled',
      'order.created',
      'order.created',
    ]);
    stream.stop();
    await child.kill();
    child = undefined;
  }, 90_000);

  it('stops on SIGTERM at once, its streams open', async () => {
    const process = await startServerProcess(server.config.databaseUrl ?? '');
    child = process;
    const customer = await newCustomer();
    const streams = [1, 2].map(() => subscribe(createClient(process.url, customer.token)));
    await Promise.all(streams.map((stream) => stream.started));

    const exited = new Promise<number | null>((resolve) => {
      process.child.once('exit', resolve);
    });
    const signalled = Date.now();
    process.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    child = undefined;
    for (const stream of streams) stream.stop();
  }, 60_000);
});

interface SseFrame {
  readonly event?: string;
  readonly id?: string;
  readonly data: string;
}

/**
 * `events.subscribe` read as any SSE client reads it: a GET with `Last-Event-ID`, the body split
 * into frames, until `messages` events arrived (or the stream ended, or 15 s passed: then it
 * throws, saying what came); then the connection is dropped.
 */
async function readSse(
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
