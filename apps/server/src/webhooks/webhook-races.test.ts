import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { logInAdmin, type TestClient } from '../testing/test-client.js';
import type { TestServer } from '../testing/test-server.js';
import {
  startReceiver,
  until,
  type Receiver,
  startWebhookTestServer,
  WEBHOOK_TEST_SETTINGS,
} from '../testing/webhook-receiver.js';

// Webhook deliveries that race each other: many failures of one endpoint recorded at once, a
// redelivery asked for while its event is being sent, and the event that tells an endpoint was
// disabled.

const DISABLE_AFTER = WEBHOOK_TEST_SETTINGS.disableAfter;
let server: TestServer;
let admin: TestClient;
const receivers: Receiver[] = [];

beforeAll(async () => {
  server = await startWebhookTestServer();
  admin = await logInAdmin(server.url);
});
afterAll(async () => {
  await server.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiverAndEndpoint(answer: (n: number) => number | null) {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const endpoint = await admin.webhooks.create.mutate({ url: receiver.url, types: ['product.*'] });
  return { receiver, endpoint };
}

function upsertProducts(count: number): Promise<unknown> {
  return Promise.all(
    Array.from({ length: count }, () =>
      admin.inventory.upsert.mutate({
        sku: `RACE-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: 'Race mug',
        priceCents: 100,
        onHand: 1,
      }),
    ),
  );
}

const deliveriesOf = (endpointId: string) =>
  admin.webhooks.deliveries.query({ endpointId, limit: 100 }).then((page) => page.items);

const disabledEventsWritten = async () =>
  metricValue(await scrapeMetrics(server.url), 'events_written_total', {
    type: 'webhook_endpoint.disabled',
  });

describe('webhook deliveries racing each other', () => {
  it('counts every failed attempt of an endpoint in its streak, even when recorded at once', async () => {
    const { endpoint } = await receiverAndEndpoint(() => 500);
    const before = (await admin.events.cursor.query()).cursor;
    const countedBefore = await disabledEventsWritten();
    // More deliveries than the streak allows, claimed and failed in one round.
    await upsertProducts(DISABLE_AFTER + 3);
    const [listed] = await until('the endpoint to be disabled', async () => {
      const found = (await admin.webhooks.list.query()).filter((e) => e.id === endpoint.id);
      return found[0]?.enabled === false ? found : undefined;
    });
    // Let attempts already in flight when it was disabled be recorded too.
    await new Promise((r) => setTimeout(r, 700));
    const attempts = (await deliveriesOf(endpoint.id)).reduce((n, d) => n + d.log.length, 0);
    const [now] = (await admin.webhooks.list.query()).filter((e) => e.id === endpoint.id);
    expect(listed?.disabledReason).toMatch(/consecutive failed attempts/);
    expect(attempts).toBeGreaterThanOrEqual(DISABLE_AFTER);
    expect(now?.consecutiveFailures).toBe(attempts);

    // One event says so, for admins, with the endpoint as the API shows it (never its secret).
    // Listed once no older transaction anywhere on the server holds it back.
    const told = await until('the event to be listed', async () => {
      const { items } = await admin.events.list.query({
        after: before,
        types: ['webhook_endpoint.disabled'],
      });
      const about = items.filter((e) => e.aggregate.id === endpoint.id);
      return about.length > 0 ? about : undefined;
    });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      ownerId: null,
      aggregate: { type: 'webhook_endpoint', id: endpoint.id },
      data: {
        object: { id: endpoint.id, enabled: false, url: endpoint.url },
        previous: { enabled: true, disabledReason: null },
      },
    });
    expect(JSON.stringify(told[0])).not.toContain(endpoint.secret);
    // Counted once committed, like every other event the server writes.
    const counted = await until('the event to be counted', async () => {
      const value = await disabledEventsWritten();
      return value > countedBefore ? value : undefined;
    });
    expect(counted).toBe(countedBefore + 1);
  });

  it('logs the attempt in flight when a redelivery is asked for, then sends the event again', async () => {
    // The first request hangs past the timeout; every later one is answered 200.
    const { receiver, endpoint } = await receiverAndEndpoint((n) => (n === 1 ? null : 200));
    await upsertProducts(1);
    await until('the first attempt to be in flight', () =>
      Promise.resolve(receiver.received.length === 1 ? true : undefined),
    );
    const [inFlight] = await deliveriesOf(endpoint.id);
    if (inFlight === undefined) throw new Error('no delivery');
    await admin.webhooks.redeliver.mutate({ endpointId: endpoint.id, eventId: inFlight.eventId });

    const delivered = await until('the delivery to go again and land', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'DELIVERED' ? d : undefined;
    });
    expect(delivered.log.map((a) => a.statusCode)).toEqual([null, 200]);
    expect(delivered.log[0]?.error).toMatch(/timeout/);
    expect(delivered.attempts).toBe(2);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      inFlight.eventId,
      inFlight.eventId,
    ]);
  });
});
