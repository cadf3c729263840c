import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../router.js';
import { eventsWhere, readAllEvents } from '../testing/event-reading.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { placeOrderFor } from '../testing/payment-fixtures.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { readSse } from '../testing/sse-reader.js';
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

const anyEvent = () => true;
const atLeast = (count: number) => (events: readonly unknown[]) => events.length >= count;

async function newCustomer() {
  return signUpCustomer(server.url, `sse-${randomUUID()}@example.com`);
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
    expect(received.map(({ event }) => event)).toEqual(await readAllEvents(customer.client));
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
    const missed = await eventsWhere(customer.client, anyEvent, atLeast(2), seen?.id);
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
    const [created] = await eventsWhere(customer.client, anyEvent, atLeast(1));
    if (created === undefined) throw new Error('the order was never listed');
    await customer.client.orders.cancel.mutate({ id: order.id });
    await placeOrderFor(admin, customer.client, { sku: nextSku() });
    const missed = await eventsWhere(customer.client, anyEvent, atLeast(2), created.cursor);

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
    expect(stream.received.map(({ event }) => event)).toEqual(await readAllEvents(customer.client));
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
