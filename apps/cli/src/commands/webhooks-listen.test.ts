import { startTestServer, type TestServer } from '@orders/server/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, Order } from '../api-client.js';
import { loadCredentials } from '../credentials.js';
import { newWebhookSecret } from '../forward-event.js';
import { buildCli } from '../testing/build-cli.js';
import { startBuiltCli, type RunningCli } from '../testing/follow-cli.js';
import {
  CARD_FLAGS,
  freshApprovedCard,
  openSession,
  stockProduct,
  type Session,
} from '../testing/session.js';
import { startReceiver, type Receiver } from '../testing/webhook-receiver.js';

let server: TestServer;
let admin: Session;
let customer: Session;
const receivers: Receiver[] = [];
const running: RunningCli[] = [];

beforeAll(async () => {
  await buildCli();
  server = await startTestServer();
  [admin, customer] = await Promise.all([
    openSession(server, 'admin'),
    openSession(server, 'customer'),
  ]);
  await stockProduct(admin, { sku: 'MUG', onHand: 1000, priceCents: 1250, name: 'Enamel mug' });
});
afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
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

/** An order of two mugs, paid by card: a whole checkout, four events. */
async function checkout(): Promise<Order> {
  const order = await customer.json<Order>(['order', 'create', '--item', 'MUG=2']);
  const paid = await customer.run(['pay', order.id, '--card', freshApprovedCard(), ...CARD_FLAGS]);
  expect(paid.code, paid.stderr).toBe(0);
  return order;
}
const CHECKOUT = ['order.created', 'payment.created', 'payment.succeeded', 'order.confirmed'];

/** Whether an event is about `orderId`: the order's own, or its payment's. */
function isAbout(event: EventEnvelope, orderId: string): boolean {
  const object = event.data.object as Readonly<Record<string, unknown>>;
  return event.aggregate.type === 'order' ? object.id === orderId : object.orderId === orderId;
}

/** `ordersctl webhooks listen <argv>` as the admin, running. */
async function listen(argv: readonly string[]): Promise<RunningCli> {
  const token = (await loadCredentials(admin.sandbox.credentialsFile))?.accessToken ?? '';
  const cli = startBuiltCli(['--server', server.url, 'webhooks', 'listen', ...argv], {
    ORDERSCTL_TOKEN: token,
    NO_COLOR: '1',
    HOME: '/nonexistent',
    XDG_CONFIG_HOME: '/nonexistent',
  });
  running.push(cli);
  await cli.waitFor((line) => line.startsWith('following '), { on: 'stderr' });
  return cli;
}

describe('ordersctl webhooks listen', () => {
  it('POSTs each event of an order placed while it runs, once, signed with the secret it printed, and shows each answer', async () => {
    const hook = await receiver();
    const before = await checkout();
    const cli = await listen(['--forward-to', hook.url]);
    const secret = /^ {2}(whsec_\S+)$/m.exec(cli.stderr())?.[1] ?? '';
    expect(secret, cli.stderr()).toMatch(/^whsec_/);
    expect(cli.stderr()).toContain(`forwarding to ${hook.url}`);
    expect(cli.stderr()).toContain('new Webhook(secret).verify(rawBody, headers)');

    const order = await checkout();
    await hook.until(
      (r) => r.some((one) => one.body.includes('"order.confirmed"') && one.body.includes(order.id)),
      'the order.confirmed of the order',
    );
    await cli.waitFor((line) => line.includes('order.confirmed'));
    const result = await cli.interrupt(2);
    expect(result.code, result.stderr).toBe(0);

    // A third-party verifier is the judge of every POST.
    const verifier = new Webhook(secret);
    const events = hook.received.map((one) => {
      const event = verifier.verify(one.body, one.headers) as EventEnvelope;
      expect(one.headers['webhook-id']).toBe(event.id);
      expect(one.headers['content-type']).toBe('application/json');
      return event;
    });
    expect(events.filter((e) => isAbout(e, order.id)).map((e) => e.type)).toEqual(CHECKOUT);
    expect(events.filter((e) => isAbout(e, before.id))).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(() =>
      new Webhook(newWebhookSecret()).verify(
        hook.received[0]?.body ?? '',
        hook.received[0]?.headers ?? {},
      ),
    ).toThrow('No matching signature found');

    // One line per POST, in the order sent: when, what, which event, and the answer.
    const lines = cli.lines();
    expect(lines).toHaveLength(events.length);
    lines.forEach((line, i) => {
      const event = events[i];
      expect(line).toMatch(
        new RegExp(
          `^\\S+ \\S+Z  ${(event?.type ?? '?').replaceAll('.', '\\.')} +  ${event?.id ?? '?'}  → 200 OK \\(\\d+ ms\\)$`,
        ),
      );
    });
    expect(result.stderr).toContain(
      `stopped — ${events.length} events forwarded, ${events.length} answered with a 2xx`,
    );
  });

  it('shows a receiver answering 500, then one refusing connections, and goes on listening (--json: a line per forward)', async () => {
    const hook = await receiver(() => 500);
    const secret = newWebhookSecret();
    const cli = await listen([
      '--json',
      '--forward-to',
      hook.url,
      '--type',
      'order.created,order.confirmed',
      '--secret',
      secret,
    ]);
    expect(cli.stderr()).toContain(`  ${secret}\n`);
    const first = await checkout();
    await cli.waitFor((line) => line.includes('"order.confirmed"'));
    await hook.close();
    const second = await checkout();
    await cli.waitFor((line) => line.includes('"order.confirmed"'), { count: 2 });
    const result = await cli.interrupt();
    expect(result.code, result.stderr).toBe(0);

    const shown = cli.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(shown.map((r) => [r.type, r.statusCode, r.error])).toEqual([
      ['order.created', 500, null],
      ['order.confirmed', 500, null],
      ['order.created', null, 'connection refused'],
      ['order.confirmed', null, 'connection refused'],
    ]);
    for (const r of shown) {
      expect(r).toMatchObject({ url: hook.url, eventId: expect.stringMatching(/^evt_/) });
      expect(typeof r.latencyMs).toBe('number');
    }
    // The ones that reached the receiver were signed with the secret given.
    const events = hook.received.map(
      (one) => new Webhook(secret).verify(one.body, one.headers) as EventEnvelope,
    );
    expect(events.map((e) => [e.type, isAbout(e, first.id)])).toEqual([
      ['order.created', true],
      ['order.confirmed', true],
    ]);
    const api = await admin.api();
    const secondEvents = (
      await api.events.list.query({ limit: 500, types: ['order.created', 'order.confirmed'] })
    ).items
      .filter((e) => isAbout(e, second.id))
      .map((e) => e.id);
    expect(shown.slice(2).map((r) => r.eventId)).toEqual(secondEvents);
    expect(result.stderr).toContain('stopped — 4 events forwarded, 0 answered with a 2xx');
  });
});
