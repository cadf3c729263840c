import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWebhookEndpoint, WebhookEndpoint } from '../api-client.js';
import { buildCli } from '../testing/build-cli.js';
import { createSandbox, refusingServerUrl } from '../testing/run-cli.js';
import { openSession, type Session } from '../testing/session.js';
import { startReceiver, type Receiver } from '../testing/webhook-receiver.js';

// What `ordersctl webhooks` refuses, and with which exit code (DESIGN §6): 6 for what does not
// exist or is not the caller's to touch, 2 for malformed input (before anything is sent), 3 when
// not logged in.

let server: TestServer;
let admin: Session;
let customer: Session;
const receivers: Receiver[] = [];

beforeAll(async () => {
  await buildCli();
  server = await startTestServer({
    webhooks: { timeoutMs: 5_000, disableAfter: 20, allowPrivate: true, retrySchedule: [50] },
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

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

describe('ordersctl webhooks refuses', () => {
  it('exits 6 for an endpoint or event that does not exist, and 2 for a malformed one, before sending', async () => {
    const unknown = randomUUID();
    for (const argv of [
      ['webhooks', 'enable', unknown],
      ['webhooks', 'disable', unknown],
      ['webhooks', 'remove', unknown],
      ['webhooks', 'deliveries', unknown],
      ['webhooks', 'redeliver', unknown, 'evt_x'],
    ]) {
      const result = await admin.run(argv);
      expect(result.code, argv.join(' ')).toBe(6);
      expect(result.stderr).toContain(`no webhook endpoint ${unknown}`);
    }
    const hook = await receiver();
    const { id } = await admin.json<CreatedWebhookEndpoint>(['webhooks', 'add', hook.url]);
    const noEvent = await admin.run(['webhooks', 'redeliver', id, `evt_${unknown}`]);
    expect(noEvent.code).toBe(6);
    expect(noEvent.stderr).toContain(`no event evt_${unknown}`);

    const nowhere = await refusingServerUrl();
    const cli = await createSandbox();
    try {
      const env = { ORDERSCTL_TOKEN: 'a.b.c' };
      for (const [argv, says] of [
        [['webhooks', 'enable', 'not-an-id'], 'expected a webhook endpoint id'],
        [['webhooks', 'redeliver', unknown, '42'], 'expected an event id'],
        [['webhooks', 'add', 'https://x.example', '--type', 'order.shiped'], 'order.shiped is not'],
        [['webhooks', 'deliveries', unknown, '--limit', '0'], 'whole number from 1 to 100'],
        [['webhooks', 'listen', '--forward-to', 'ftp://localhost/x'], 'an http:// or https://'],
        [['webhooks', 'listen'], "required option '--forward-to <url>'"],
        [['webhooks', 'listen', '--forward-to', 'http://localhost:1', '--secret', 'abc'], 'whsec_'],
      ] as const) {
        const result = await cli.run(['--server', nowhere, ...argv], { env });
        expect(result.code, argv.join(' ')).toBe(2);
        expect(result.stderr).toContain(says);
      }
    } finally {
      await cli.dispose();
    }
  });

  it('refuses a URL the server will not send to with exit 2, naming the rule', async () => {
    const result = await admin.run(['webhooks', 'add', 'ftp://files.example.com/hook']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ftp://files.example.com/hook');
  });

  it('exits 6 for a customer (admins only), and 3 when not logged in', async () => {
    const hook = await receiver();
    const { id } = await admin.json<CreatedWebhookEndpoint>(['webhooks', 'add', hook.url]);
    for (const argv of [
      ['webhooks', 'add', hook.url],
      ['webhooks', 'list'],
      ['webhooks', 'disable', id],
      ['webhooks', 'remove', id],
      ['webhooks', 'deliveries', id],
      ['webhooks', 'redeliver', id, 'evt_x'],
      ['webhooks', 'listen', '--forward-to', hook.url],
    ]) {
      const result = await customer.run(argv);
      expect(result.code, argv.join(' ')).toBe(6);
      expect(result.stderr).toMatch(/^error: forbidden — .*admin account\n$/);
    }
    expect((await admin.json<WebhookEndpoint[]>(['webhooks', 'list'])).map((e) => e.id)).toContain(
      id,
    );
    const anonymous = await createSandbox();
    try {
      const result = await anonymous.run(['--server', server.url, 'webhooks', 'list']);
      expect(result.code).toBe(3);
    } finally {
      await anonymous.dispose();
    }
  });
});
