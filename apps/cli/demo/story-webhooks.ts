import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expectExit, type Ctl } from './ctl.js';
import { expectThat, step, Surprise } from './transcript.js';

/** A POST as a receiver got it: the raw body and the headers. */
interface Received {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A receiver on 127.0.0.1 (the server runs with WEBHOOK_ALLOW_PRIVATE=true), answering 200. */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(',') : (v ?? ''),
        ]),
      );
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The event types of what a receiver got, each POST checked by `standardwebhooks` first. */
function verifiedTypes(received: readonly Received[], secret: string): string[] {
  const webhook = new Webhook(secret);
  return received.map((one) => {
    const event = webhook.verify(one.body, one.headers) as { id: string; type: string };
    if (one.headers['webhook-id'] !== event.id) throw new Surprise(`webhook-id is not ${event.id}`);
    return event.type;
  });
}

/**
 * The admin registers an endpoint for order events (a fulfilment service) and runs `webhooks
 * listen` for a receiver under development, both on loopback, before the refunds; `check` then
 * shows what each received, every POST verified with the `standardwebhooks` package.
 */
export async function startWebhooks(
  admin: Ctl,
  expected: { readonly all: readonly string[]; readonly orderEvents: readonly string[] },
): Promise<{ check(): Promise<void> }> {
  step(
    'The admin registers a webhook for order events, and forwards every event to a receiver under development',
  );
  const [service, devReceiver] = await Promise.all([startReceiver(), startReceiver()]);
  const added = await admin.run([
    'webhooks',
    'add',
    service.url,
    '--type',
    'order.*',
    '--description',
    'fulfilment service',
  ]);
  expectExit(added, 0, 'registered');
  const secret = /^secret +(whsec_\S+)$/m.exec(added.stdout)?.[1] ?? '';
  const endpointId = /^endpoint +(\S+)$/m.exec(added.stdout)?.[1] ?? '';
  expectThat(
    secret !== '' && added.stdout.includes('shown this once'),
    'its signing secret is printed, this once',
  );
  const listen = admin.start(['webhooks', 'listen', '--forward-to', devReceiver.url], {
    note: '# started before the refunds, stopped with Ctrl-C after them',
    readyWhen: 'following events',
  });
  await listen.ready;

  return {
    async check() {
      step(
        'What the webhooks received during the refunds, each POST verified with standardwebhooks',
      );
      const result = await listen.stop();
      expectExit(result, 0, 'Ctrl-C ends listen');
      const listenSecret = /^ {2}(whsec_\S+)$/m.exec(result.stderr)?.[1] ?? '';
      const forwarded = verifiedTypes(devReceiver.received, listenSecret);
      expectThat(
        forwarded.join(',') === expected.all.join(',') &&
          result.stdout.split('\n').filter((l) => l.includes('→ 200 OK')).length ===
            forwarded.length,
        `listen forwarded every event once, signed with the secret it printed, each answered 200 OK`,
        () => forwarded.join(', '),
      );
      // The endpoint's deliveries come from the server's delivery worker, moments after commit.
      const deadline = Date.now() + 15_000;
      while (service.received.length < expected.orderEvents.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const delivered = verifiedTypes(service.received, secret);
      expectThat(
        [...delivered].sort().join(',') === [...expected.orderEvents].sort().join(','),
        `the endpoint received ${expected.orderEvents.join(' and ')}, signed with its secret`,
        () => delivered.join(', '),
      );
      const deliveries = await admin.run(['webhooks', 'deliveries', endpointId]);
      expectExit(deliveries, 0, 'its delivery log');
      expectThat(
        (deliveries.stdout.match(/ DELIVERED +1 .* 200 OK /g) ?? []).length ===
          expected.orderEvents.length,
        'each delivered at the first attempt',
      );
      await Promise.all([service.close(), devReceiver.close()]);
    },
  };
}
