import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  startPrivateNatsServer,
  streamMessageCount,
  uniqueStreamTarget,
  until,
  type PrivateNatsServer,
} from '../testing/jetstream-stream.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import {
  checkout,
  expectEveryEventOnceInOrder,
  startCheckoutLoad,
} from '../testing/relay-checks.js';
import { logInAdmin } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// NATS stopped and started again under load — a private nats-server on a port and store of its
// own, never the machine's: orders go on, the server stays ready, the relay catches up.

let nats: PrivateNatsServer | undefined;
let server: TestServer | undefined;
afterAll(async () => {
  await server?.close();
  await nats?.dispose();
});

describe('the NATS relay when NATS restarts', () => {
  it('lets orders go on while NATS is down, then catches up: nothing lost, nothing twice', async () => {
    nats = await startPrivateNatsServer();
    const target = uniqueStreamTarget();
    server = await startTestServer({
      nats: { url: nats.servers, ...target },
      events: { retentionDays: 30, pollMs: 50 },
    });
    const admin = await logInAdmin(server.url);
    const sku = `OUTAGE-${randomUUID().slice(0, 8)}`;
    const servers = nats.servers;
    const load = startCheckoutLoad(server.url, admin, sku);
    await until(
      () => streamMessageCount(servers, target.stream),
      (count) => count >= 20,
    );

    await nats.stop();
    const atStop = load.completed();
    const serverUrl = server.url;
    // Orders and payments go on; readiness does not depend on NATS.
    await until(
      () => Promise.resolve(load.completed()),
      (completed) => completed >= atStop + 6,
    );
    expect(await checkout(server.url, admin, `${sku}-down`)).toMatchObject({
      payment: { status: 'SUCCESS' },
    });
    expect((await fetch(`${serverUrl}/readyz`)).status).toBe(200);
    const lagging = await until(
      () => scrapeMetrics(serverUrl),
      (text) => metricValue(text, 'nats_relay_lag_events') > 0,
    );
    expect(metricValue(lagging, 'nats_relay_lag_events')).toBeGreaterThan(0);

    await nats.start();
    const atStart = load.completed();
    await until(
      () => Promise.resolve(load.completed()),
      (completed) => completed >= atStart + 6,
    );
    await load.stop();

    await expectEveryEventOnceInOrder(admin, { servers, ...target });
    const caughtUp = await until(
      () => scrapeMetrics(serverUrl),
      (text) => metricValue(text, 'nats_relay_lag_events') === 0,
    );
    expect(metricValue(caughtUp, 'nats_relay_lag_events')).toBe(0);
  }, 180_000);
});
