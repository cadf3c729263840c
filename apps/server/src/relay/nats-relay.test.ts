import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deleteStream,
  SHARED_NATS,
  uniqueStreamTarget,
  until,
} from '../testing/jetstream-stream.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { checkout, expectEveryEventOnceInOrder } from '../testing/relay-checks.js';
import { logInAdmin } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// The relay to NATS JetStream (DESIGN §2 Delivery) against the machine's NATS, each test on a
// stream and subjects of its own, deleted at the end.

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  // Every clean-up runs (the streams are deleted) even if one fails; then the failures are thrown.
  const failures: unknown[] = [];
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw new AggregateError(failures, 'clean-up failed');
});

async function serverRelayingTo(
  target: { stream: string; subjectPrefix: string },
  databaseUrl?: string,
): Promise<TestServer> {
  const server = await startTestServer({
    nats: { url: SHARED_NATS, ...target },
    events: { retentionDays: 30, pollMs: 50 },
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
  cleanups.push(() => server.close());
  return server;
}

const leaderGauge = async (server: TestServer) =>
  metricValue(await scrapeMetrics(server.url), 'nats_relay_leader');

describe('the NATS relay', () => {
  it('publishes every event of checkouts and a refund once, in cursor order, as the API shows it', async () => {
    const target = uniqueStreamTarget();
    cleanups.push(() => deleteStream(SHARED_NATS, target.stream));
    const server = await serverRelayingTo(target);
    const admin = await logInAdmin(server.url);
    const sku = `NATS-${randomUUID().slice(0, 8)}`;
    const checkouts = [];
    for (let i = 0; i < 5; i++) checkouts.push(await checkout(server.url, admin, sku));
    const refunded = checkouts[0];
    if (refunded === undefined) throw new Error('no checkout');
    const refund = await admin.refunds.create.mutate({
      orderId: refunded.order.id,
      reason: 'requested_by_customer',
      idempotencyKey: randomUUID(),
    });
    expect(refund.status).toBe('SUCCEEDED');

    const { events } = await expectEveryEventOnceInOrder(admin, {
      servers: SHARED_NATS,
      ...target,
    });
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'order.created',
      'payment.succeeded',
      'order.confirmed',
      'refund.succeeded',
    ]) {
      expect(types).toContain(type);
    }
    const metrics = await until(
      () => scrapeMetrics(server.url),
      (text) => metricValue(text, 'nats_relay_lag_events') === 0,
    );
    expect(metricValue(metrics, 'nats_relay_lag_events')).toBe(0);
    expect(metricValue(metrics, 'nats_relay_leader')).toBe(1);
    expect(metricValue(metrics, 'nats_relay_published_total')).toBeGreaterThanOrEqual(
      events.length,
    );
  });

  it('runs in one of two instances on one database at a time, and passes on when that one stops', async () => {
    const target = uniqueStreamTarget();
    cleanups.push(() => deleteStream(SHARED_NATS, target.stream));
    const first = await serverRelayingTo(target);
    const second = await serverRelayingTo(target, first.config.databaseUrl);
    const leaders = await until(
      async () => [await leaderGauge(first), await leaderGauge(second)],
      (gauges) => gauges.reduce((sum, gauge) => sum + gauge, 0) === 1,
    );
    expect(leaders.sort()).toEqual([0, 1]);

    const admin = await logInAdmin(first.url);
    const sku = `NATS-${randomUUID().slice(0, 8)}`;
    // Each its own SKU: concurrent checkouts, not concurrent restocking of one product.
    await Promise.all(
      [first, second, first, second].map((server, i) => checkout(server.url, admin, `${sku}-${i}`)),
    );
    await expectEveryEventOnceInOrder(admin, { servers: SHARED_NATS, ...target });
    const publishedBy = async (server: TestServer) =>
      metricValue(await scrapeMetrics(server.url), 'nats_relay_published_total');
    const counts = [await publishedBy(first), await publishedBy(second)];
    expect(counts.filter((count) => count > 0)).toHaveLength(1);

    // The leader's relay stops (releasing its lease): the other takes over at once.
    const [leader, follower] =
      first.natsRelay?.isLeader() === true ? [first, second] : [second, first];
    await leader.natsRelay?.stop();
    expect(await leaderGauge(leader)).toBe(0);
    const onFollower = await logInAdmin(follower.url);
    await checkout(follower.url, onFollower, sku);
    expect(
      await until(
        () => leaderGauge(follower),
        (gauge) => gauge === 1,
      ),
    ).toBe(1);
    await expectEveryEventOnceInOrder(onFollower, { servers: SHARED_NATS, ...target });
  });
});
