import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@orders/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deleteStream,
  SHARED_NATS,
  streamMessageCount,
  uniqueStreamTarget,
  until,
} from '../testing/jetstream-stream.js';
import { metricValue, scrapeMetrics } from '../testing/metrics-text.js';
import { expectEveryEventOnceInOrder, startCheckoutLoad } from '../testing/relay-checks.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { logInAdmin } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// kill -9 of the instance that relays to NATS, while it publishes under load: another instance
// takes over once the lease has run out, from the stored cursor; JetStream drops, by
// Nats-Msg-Id, what the killed one had published past that cursor.

const target = uniqueStreamTarget();
let database: TestDatabase | undefined;
let doomed: ServerProcess | undefined;
let survivor: TestServer | undefined;

afterAll(async () => {
  await doomed?.kill();
  await survivor?.close();
  await database?.dispose();
  await deleteStream(SHARED_NATS, target.stream);
});

const leaderGauge = async (url: string) =>
  metricValue(await scrapeMetrics(url), 'nats_relay_leader');

describe('the NATS relay when its instance is killed', () => {
  it('is taken over by another instance: no event lost, none stored twice', async () => {
    database = await createTestDatabase();
    // The doomed instance starts first, alone: it takes the lease.
    doomed = await startServerProcess(database.url, {
      NATS_URL: SHARED_NATS,
      NATS_STREAM: target.stream,
      NATS_SUBJECT_PREFIX: target.subjectPrefix,
      EVENT_POLL_MS: '50',
    });
    const doomedUrl = doomed.url;
    expect(
      await until(
        () => leaderGauge(doomedUrl),
        (gauge) => gauge === 1,
      ),
    ).toBe(1);
    survivor = await startTestServer({
      databaseUrl: database.url,
      nats: { url: SHARED_NATS, ...target },
      events: { retentionDays: 30, pollMs: 50 },
    });
    expect(await leaderGauge(survivor.url)).toBe(0);

    const admin = await logInAdmin(survivor.url);
    const load = startCheckoutLoad(survivor.url, admin, `CRASH-${randomUUID().slice(0, 8)}`);
    // Killed mid-publish: once its relay has published some of the load's events.
    await until(
      () => streamMessageCount(SHARED_NATS, target.stream),
      (count) => count >= 30,
    );
    await doomed.kill();
    const atKill = load.completed();
    const survivorUrl = survivor.url;
    expect(
      await until(
        () => leaderGauge(survivorUrl),
        (gauge) => gauge === 1,
        30_000,
      ),
    ).toBe(1);
    await until(
      () => Promise.resolve(load.completed()),
      (completed) => completed >= atKill + 6,
    );
    await load.stop();

    const { events, messages } = await expectEveryEventOnceInOrder(admin, {
      servers: SHARED_NATS,
      ...target,
    });
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(events.length);
    expect(await streamMessageCount(SHARED_NATS, target.stream)).toBe(events.length);
    // The survivor did take over: it published what the killed instance had not.
    const published = metricValue(await scrapeMetrics(survivorUrl), 'nats_relay_published_total');
    expect(published).toBeGreaterThan(0);
  }, 180_000);
});
