import { randomUUID } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestClient,
  failure,
  logInAdmin,
  signUpCustomer,
  type TestClient,
} from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import {
  startReceiver,
  until,
  type Received,
  type Receiver,
  startWebhookTestServer,
  WEBHOOK_TEST_SETTINGS,
} from '../testing/webhook-receiver.js';
import { sendWebhook } from './send-webhook.js';

// Webhooks end to end: real HTTP receivers on loopback (WEBHOOK_ALLOW_PRIVATE on), every delivery
// checked by the `standardwebhooks` package — a third-party verifier, not our own code.

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

/** A receiver, an endpoint for product events pointing at it, and a product event for it. */
async function deliverOne(answer: (n: number) => number | null) {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const endpoint = await admin.webhooks.create.mutate({
    url: receiver.url,
    types: ['product.*'],
    description: 'test receiver',
  });
  const sku = `WH-${randomUUID().slice(0, 8).toUpperCase()}`;
  await admin.inventory.upsert.mutate({ sku, name: 'Webhook mug', priceCents: 100, onHand: 1 });
  return { receiver, endpoint, sku };
}

const deliveriesOf = (endpointId: string) =>
  admin.webhooks.deliveries.query({ endpointId }).then((page) => page.items);

function verify(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, r.headers);
}

describe('webhook delivery', () => {
  it('POSTs the event envelope signed per Standard Webhooks, verified by standardwebhooks', async () => {
    const { receiver, endpoint, sku } = await deliverOne(() => 204);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const [delivery] = await until('the delivery', async () => {
      const items = await deliveriesOf(endpoint.id);
      return items[0]?.status === 'DELIVERED' ? items : undefined;
    });
    const first = receiver.received[0];
    expect(first).toBeDefined();
    if (!first) return;
    const payload = verify(endpoint.secret, first) as {
      id: string;
      type: string;
      data: { object: { sku: string } };
    };
    expect(payload.id).toBe(first.headers['webhook-id']);
    expect(payload.type).toBe('product.updated');
    expect(payload.data.object.sku).toBe(sku);
    expect(first.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(delivery).toMatchObject({ eventId: payload.id, attempts: 1, lastStatus: 204 });
    expect(delivery?.log).toHaveLength(1);

    // A tampered body, or another endpoint's secret, fails verification.
    const tampered = { ...first, body: first.body.replace(sku, 'WH-EVIL') };
    expect(() => verify(endpoint.secret, tampered)).toThrow(WebhookVerificationError);
    expect(() =>
      verify('whsec_' + Buffer.from('another-secret').toString('base64'), first),
    ).toThrow(WebhookVerificationError);

    // Redeliver: the same event, the same webhook-id, once more; the log shows both attempts.
    await admin.webhooks.redeliver.mutate({ endpointId: endpoint.id, eventId: payload.id });
    await until('the redelivery', () =>
      Promise.resolve(receiver.received.length >= 2 ? true : undefined),
    );
    const again = receiver.received[1];
    expect(again?.headers['webhook-id']).toBe(payload.id);
    expect(again && (verify(endpoint.secret, again) as { id: string }).id).toBe(payload.id);
    await until('the redelivery logged', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'DELIVERED' && d.attempts === 2 ? d : undefined;
    });
    await admin.webhooks.delete.mutate({ id: endpoint.id });
    expect(await admin.webhooks.list.query()).not.toContainEqual(
      expect.objectContaining({ id: endpoint.id }),
    );
  });

  it('retries a failing receiver on the schedule and delivers once: N failures, N + 1 attempts', async () => {
    const N = 3;
    const { receiver, endpoint } = await deliverOne((n) => (n <= N ? 503 : 200));
    const delivery = await until('the delivery', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'DELIVERED' ? d : undefined;
    });
    expect(delivery.attempts).toBe(N + 1);
    expect(delivery.log.map((a) => a.statusCode)).toEqual([503, 503, 503, 200]);
    expect(delivery.log.map((a) => a.attemptNo)).toEqual([1, 2, 3, 4]);
    // Waits of about the schedule's 100 ms (less jitter) between attempts.
    const times = delivery.log.map((a) => Date.parse(a.at));
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(79);
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received).toHaveLength(N + 1);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received) expect(() => verify(endpoint.secret, r)).not.toThrow();
    const [listed] = (await admin.webhooks.list.query()).filter((e) => e.id === endpoint.id);
    expect(listed).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    await admin.webhooks.update.mutate({ id: endpoint.id, enabled: false });
  });

  it('gives a receiver that hangs WEBHOOK_TIMEOUT_MS, then logs a failed attempt and retries', async () => {
    const { endpoint } = await deliverOne(() => null);
    const delivery = await until('a timed-out attempt', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d !== undefined && d.log.length >= 1 ? d : undefined;
    });
    const [attempt] = delivery.log;
    expect(attempt?.statusCode).toBeNull();
    expect(attempt?.error).toMatch(/timeout after 500 ms/);
    expect(attempt?.latencyMs).toBeGreaterThanOrEqual(450);
    expect(attempt?.latencyMs).toBeLessThan(3_000);
    expect(delivery.status).toBe('RETRY');
    await admin.webhooks.update.mutate({ id: endpoint.id, enabled: false });
  });

  // Our choice for 410 Gone: a failure like any other (retried by the schedule, counted towards
  // WEBHOOK_DISABLE_AFTER), not an unsubscribe — a misrouted proxy answering 410 must not silently
  // drop an endpoint; an admin removes endpoints. The streak disables it after DISABLE_AFTER.
  it('retries a 410 like any failure, and disables the endpoint after WEBHOOK_DISABLE_AFTER in a row', async () => {
    const { receiver, endpoint } = await deliverOne(() => 410);
    const delivery = await until('the delivery to fail', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d?.status === 'FAILED' ? d : undefined;
    });
    expect(delivery.attempts).toBe(DISABLE_AFTER);
    expect(delivery.log.map((a) => a.statusCode)).toEqual(Array(DISABLE_AFTER).fill(410));
    expect(receiver.received).toHaveLength(DISABLE_AFTER);
    const [listed] = (await admin.webhooks.list.query()).filter((e) => e.id === endpoint.id);
    expect(listed).toMatchObject({ enabled: false, consecutiveFailures: DISABLE_AFTER });
    expect(listed?.disabledReason).toMatch(/5 consecutive failed attempts/);
    // Enabled again: the streak starts afresh.
    const enabled = await admin.webhooks.update.mutate({ id: endpoint.id, enabled: true });
    expect(enabled).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    await admin.webhooks.update.mutate({ id: endpoint.id, enabled: false });
  });
});

describe('webhook delivery from two instances', () => {
  it('delivers each event once when two instances share the database', async () => {
    const second = await startTestServer({
      databaseUrl: server.config.databaseUrl,
      events: server.config.events,
      webhooks: server.config.webhooks,
    });
    try {
      const receiver = await startReceiver(() => 200);
      receivers.push(receiver);
      const endpoint = await admin.webhooks.create.mutate({
        url: receiver.url,
        types: ['product.*'],
      });
      const skus = Array.from(
        { length: 6 },
        (_, i) => `WH2-${i}-${randomUUID().slice(0, 6).toUpperCase()}`,
      );
      await Promise.all(
        skus.map((sku) =>
          admin.inventory.upsert.mutate({ sku, name: 'Twin', priceCents: 1, onHand: 1 }),
        ),
      );
      await until('six deliveries', async () => {
        const items = await deliveriesOf(endpoint.id);
        return items.length === 6 && items.every((d) => d.status === 'DELIVERED')
          ? items
          : undefined;
      });
      await new Promise((r) => setTimeout(r, 300));
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      for (const r of receiver.received) expect(() => verify(endpoint.secret, r)).not.toThrow();
      await admin.webhooks.update.mutate({ id: endpoint.id, enabled: false });
    } finally {
      await second.close();
    }
  });
});

describe('webhooks and SSRF (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  const request = {
    secret: 'whsec_' + Buffer.from('a-secret-of-some-length').toString('base64'),
    messageId: 'evt_test',
    body: '{}',
    timeoutMs: 1000,
    allowPrivate: false,
    now: new Date(),
  };

  it('refuses a hostname that resolves to 127.0.0.1, before connecting', async () => {
    const receiver = await startReceiver(() => 200);
    receivers.push(receiver);
    const port = new URL(receiver.url).port;
    const result = await sendWebhook({ ...request, url: `https://localhost:${port}/hook` });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/refused: localhost resolves to (127\.0\.0\.1|::1)/);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses the metadata address, over http:// or https://', async () => {
    const plain = await sendWebhook({ ...request, url: 'http://169.254.169.254/latest/meta-data' });
    expect(plain).toMatchObject({ statusCode: null, error: 'refused: NOT_HTTPS' });
    const tls = await sendWebhook({ ...request, url: 'https://169.254.169.254/latest/meta-data' });
    expect(tls.statusCode).toBeNull();
    expect(tls.error).toMatch(/refused: 169\.254\.169\.254 resolves to 169\.254\.169\.254/);
  });

  it('sends to loopback only when private addresses are allowed', async () => {
    const receiver = await startReceiver(() => 200);
    receivers.push(receiver);
    const result = await sendWebhook({ ...request, url: receiver.url, allowPrivate: true });
    expect(result).toMatchObject({ statusCode: 200, error: null });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('webhooks access', () => {
  it('is for admins only: a customer gets 403 on every procedure', async () => {
    const { client } = await signUpCustomer(server.url, `hooks-${randomUUID()}@test.local`);
    const id = randomUUID();
    const calls: (() => Promise<unknown>)[] = [
      () => client.webhooks.list.query(),
      () => client.webhooks.create.mutate({ url: 'https://example.com/hook' }),
      () => client.webhooks.update.mutate({ id, enabled: false }),
      () => client.webhooks.delete.mutate({ id }),
      () => client.webhooks.deliveries.query({ endpointId: id }),
      () => client.webhooks.redeliver.mutate({ endpointId: id, eventId: 'evt_x' }),
    ];
    for (const call of calls) {
      const error = await failure(call());
      expect(error.data?.httpStatus).toBe(403);
    }
    const anonymous = createTestClient(server.url);
    expect((await failure(anonymous.webhooks.list.query())).data?.httpStatus).toBe(401);
  });

  it('refuses an event type filter that names no event type', async () => {
    const refused = await failure(
      admin.webhooks.create.mutate({
        url: 'https://example.com/hook',
        types: ['payment.succeded'],
      }),
    );
    expect(refused.data?.httpStatus).toBe(400);
    const ok = await admin.webhooks.create.mutate({
      url: 'https://example.com/hook',
      types: ['payment.*', 'order.created', '*'],
    });
    expect(ok.types).toEqual(['payment.*', 'order.created', '*']);
    await admin.webhooks.delete.mutate({ id: ok.id });
  });

  it('answers 404 for an unknown endpoint or event', async () => {
    const id = randomUUID();
    expect((await failure(admin.webhooks.delete.mutate({ id }))).data?.httpStatus).toBe(404);
    const endpoint = await admin.webhooks.create.mutate({ url: 'https://example.com/hook' });
    const missing = await failure(
      admin.webhooks.redeliver.mutate({ endpointId: endpoint.id, eventId: 'evt_missing' }),
    );
    expect(missing.data?.httpStatus).toBe(404);
    await admin.webhooks.delete.mutate({ id: endpoint.id });
  });
});
