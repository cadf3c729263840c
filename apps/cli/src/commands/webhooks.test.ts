import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@orders/server/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedWebhookEndpoint,
  EventEnvelope,
  WebhookDeliveryPage,
  WebhookEndpoint,
} from '../api-client.js';
import { buildCli } from '../testing/build-cli.js';
import { openSession, stockProduct, type Session } from '../testing/session.js';
import { startReceiver, type Receiver } from '../testing/webhook-receiver.js';

let server: TestServer;
let admin: Session;
let customer: Session;
const receivers: Receiver[] = [];

beforeAll(async () => {
  await buildCli();
  server = await startTestServer({
    // Loopback receivers over http://, and retries in a blink.
    // A delivery gets 3 attempts; an endpoint is disabled at its 4th failure in a row.
    webhooks: { timeoutMs: 5_000, disableAfter: 4, allowPrivate: true, retrySchedule: [50, 50] },
  });
  [admin, customer] = await Promise.all([
    openSession(server, 'admin'),
    openSession(server, 'customer'),
  ]);
});
afterAll(async () => {
  await Promise.all([admin.dispose(), customer.dispose(), ...receivers.map((r) => r.close())]);
  await server.close();
});

async function receiver(answer?: (n: number) => number): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

/** A product change: a `product.updated` event, which only an admin's endpoint receives. */
async function touchProduct(): Promise<string> {
  const sku = `WH-${randomUUID().slice(0, 8).toUpperCase()}`;
  await stockProduct(admin, { sku, onHand: 1, priceCents: 100 });
  return sku;
}

/** Resolves with `probe`'s first defined answer, asked every 50 ms (at most 20 s). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventIdsOf = (r: Receiver) =>
  r.received.map((one) => (JSON.parse(one.body) as EventEnvelope).id);

describe('ordersctl webhooks', () => {
  it('adds an endpoint, printing its secret once; lists, disables, enables and removes it', async () => {
    const hook = await receiver();
    const added = await admin.run([
      'webhooks',
      'add',
      hook.url,
      '--type',
      'product.*',
      '--description',
      'inventory sync',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const secret = /^secret +(whsec_\S+)$/m.exec(added.stdout)?.[1] ?? '';
    const id = /^endpoint +(\S{36})$/m.exec(added.stdout)?.[1] ?? '';
    expect(added.stdout).toMatch(/^url +http:\/\/127\.0\.0\.1:\d+\/hook$/m);
    expect(added.stdout).toMatch(/^types +product\.\*$/m);
    expect(added.stdout).toMatch(/^state +enabled$/m);
    expect(added.stdout).toContain('The signing secret is shown this once');

    // The secret printed is the one the deliveries are signed with.
    const sku = await touchProduct();
    await hook.until((r) => r.length >= 1, 'the first delivery');
    const [first] = hook.received;
    const event = new Webhook(secret).verify(first?.body ?? '', first?.headers ?? {});
    expect(event).toMatchObject({ type: 'product.updated', data: { object: { sku } } });

    const listed = await admin.run(['webhooks', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +URL +TYPES +STATE +DESCRIPTION$/);
    expect(rows.find((r) => r.startsWith(id))).toMatch(
      new RegExp(
        `^${id}  ${hook.url.replaceAll('.', '\\.')} +product\\.\\* +enabled +inventory sync$`,
      ),
    );
    expect(listed.stdout).not.toContain(secret);

    const disabled = await admin.run(['webhooks', 'disable', id]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toMatch(/^state +disabled/m);
    const asJson = await admin.json<WebhookEndpoint[]>(['webhooks', 'list']);
    expect(asJson.find((e) => e.id === id)).toMatchObject({ enabled: false, types: ['product.*'] });
    expect(JSON.stringify(asJson)).not.toContain(secret);

    const enabled = await admin.json<WebhookEndpoint>(['webhooks', 'enable', id]);
    expect(enabled).toMatchObject({ id, enabled: true, consecutiveFailures: 0 });

    const removed = await admin.run(['webhooks', 'remove', id]);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed webhook endpoint ${id}.\n` });
    expect(
      (await admin.json<WebhookEndpoint[]>(['webhooks', 'list'])).map((e) => e.id),
    ).not.toContain(id);
    const again = await admin.run(['webhooks', 'remove', id]);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain(`no webhook endpoint ${id} — see \`ordersctl webhooks list\``);
  });

  it('lists a failing endpoint with its streak of failures, then disabled and why', async () => {
    const hook = await receiver(() => 500);
    const { id } = await admin.json<CreatedWebhookEndpoint>(['webhooks', 'add', hook.url]);
    const api = await admin.api();
    const stateOf = async () => (await api.webhooks.list.query()).find((e) => e.id === id);
    await touchProduct();
    await eventually('three failed attempts', async () => {
      const page = await api.webhooks.deliveries.query({ endpointId: id });
      return page.items[0]?.status === 'FAILED' ? true : undefined;
    });
    const failing = await admin.run(['webhooks', 'list']);
    expect(failing.stdout).toMatch(new RegExp(`^${id} .* enabled · 3 failed in a row$`, 'm'));

    await touchProduct();
    await eventually('the endpoint disabled', async () =>
      (await stateOf())?.enabled === false ? true : undefined,
    );
    const disabled = await admin.run(['webhooks', 'list']);
    expect(disabled.stdout).toMatch(
      new RegExp(`^${id} .* disabled after 4 consecutive failed attempts$`, 'm'),
    );
    const deliveries = await admin.run(['webhooks', 'deliveries', id]);
    // The second event's delivery, cut short when the endpoint was disabled, then the first's.
    const rows = deliveries.stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => /^(evt_\S+)? +(FAILED)? +(\d) /.exec(r)?.slice(2))).toEqual([
      ['FAILED', '1'],
      ['FAILED', '1'],
      [undefined, '2'],
      [undefined, '3'],
    ]);
    await admin.run(['webhooks', 'remove', id]);
  });

  it('prints the endpoint and its secret as JSON with --json', async () => {
    const hook = await receiver();
    const endpoint = await admin.json<CreatedWebhookEndpoint>(['webhooks', 'add', hook.url]);
    expect(endpoint).toMatchObject({ url: hook.url, types: null, enabled: true });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect((await admin.run(['webhooks', 'list'])).stdout).toMatch(
      new RegExp(`^${endpoint.id}  \\S+ +\\* +enabled$`, 'm'),
    );
  });

  it("shows an endpoint's deliveries with every attempt, a page at a time, and redelivers an event", async () => {
    // The first attempt of each delivery fails with 500; the retry succeeds.
    const hook = await receiver((n) => (n % 2 === 1 ? 500 : 200));
    const { id } = await admin.json<CreatedWebhookEndpoint>([
      'webhooks',
      'add',
      hook.url,
      '--type',
      'product.updated',
    ]);
    await touchProduct();
    await hook.until((r) => r.length >= 2, 'a failure and its retry');
    await touchProduct();
    await hook.until((r) => r.length >= 4, 'the second event, failed then retried');
    const [older, newer] = [...new Set(eventIdsOf(hook))];

    // The receiver has answered; the server records the outcome a moment later.
    const api = await admin.api();
    await eventually('both deliveries recorded as delivered', async () => {
      const { items } = await api.webhooks.deliveries.query({ endpointId: id });
      return items.length === 2 && items.every((d) => d.status === 'DELIVERED') ? true : undefined;
    });
    const page = await admin.json<WebhookDeliveryPage>(['webhooks', 'deliveries', id]);
    expect(page.items.map((d) => [d.eventId, d.status, d.attempts])).toEqual([
      [newer, 'DELIVERED', 2],
      [older, 'DELIVERED', 2],
    ]);
    expect(page.items[0]?.log.map((a) => [a.attemptNo, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);

    const table = await admin.run(['webhooks', 'deliveries', id]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^EVENT +DELIVERY +# +AT +HTTP +LATENCY +ERROR$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${newer ?? '?'}  DELIVERED +1  \\S+ \\S+Z  500 Internal Server Error +\\d+ ms$`),
    );
    expect(lines[2]).toMatch(/^ +2 {2}\S+ \S+Z {2}200 OK +\d+ ms$/);
    expect(lines[3]).toMatch(new RegExp(`^${older ?? '?'}  DELIVERED `));
    expect(table.stdout).not.toContain('More:');

    const first = await admin.run(['webhooks', 'deliveries', id, '--limit', '1']);
    const more = /^More: (ordersctl webhooks deliveries \S+ --limit 1 --cursor (\S+))$/m.exec(
      first.stdout,
    );
    expect(more?.[1], first.stdout).toMatch(new RegExp(`^ordersctl webhooks deliveries ${id} `));
    const next = await admin.json<WebhookDeliveryPage>([
      'webhooks',
      'deliveries',
      id,
      '--limit',
      '1',
      '--cursor',
      more?.[2] ?? '',
    ]);
    expect(next.items.map((d) => d.eventId)).toEqual([older]);

    const one = await admin.json<WebhookDeliveryPage>([
      'webhooks',
      'deliveries',
      id,
      '--event',
      older ?? '',
    ]);
    expect(one.items.map((d) => d.eventId)).toEqual([older]);

    const redelivered = await admin.run(['webhooks', 'redeliver', id, older ?? '']);
    expect(redelivered.code, redelivered.stderr).toBe(0);
    expect(redelivered.stdout).toContain(`Queued ${older ?? '?'} for ${id}`);
    await hook.until(
      () => eventIdsOf(hook).filter((e) => e === older).length >= 3,
      'the redelivery',
    );
    const resent = hook.received.at(-1);
    expect(resent?.headers['webhook-id']).toBe(older);

    const queued = await admin.json<{ queued: boolean }>([
      'webhooks',
      'redeliver',
      id,
      older ?? '',
    ]);
    expect(queued).toMatchObject({ endpointId: id, eventId: older, queued: true });
  });
});
