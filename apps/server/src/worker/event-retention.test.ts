import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrderFor } from '../testing/payment-fixtures.js';
import { purgeExpiredEvents } from '../use-cases/purge-events.js';
import { logInAdmin, signUpCustomer } from '../testing/test-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let server: TestServer;
/** The server's clock, moved by hand; the worker runs only when the test ticks it. */
let clock = Date.now();

beforeAll(async () => {
  server = await startTestServer(
    { events: { retentionDays: 30, pollMs: 250 } },
    { now: () => new Date(clock), payments: { workerPollMs: 60_000 } },
  );
});
afterAll(async () => {
  await server.close();
});

interface EventRow {
  readonly id: string;
  readonly type: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly createdAt: Date;
}

/**
 * Every row of the outbox, read from the table: the purge is about rows, and a reader's listing
 * leaves out what committed while an older transaction (another test file's, on a shared
 * PostgreSQL) was still open.
 */
const allEvents = async (): Promise<EventRow[]> => {
  const rows = await server.services.db.execute<(Omit<EventRow, 'createdAt'> & { ms: number })[]>(
    `select id, type, aggregate_id as "aggregateId", aggregate_version::int as "aggregateVersion",
            (extract(epoch from created_at) * 1000)::float8 as ms
       from events order by xid, seq`,
  );
  return rows.map(({ ms, ...row }) => ({ ...row, createdAt: new Date(ms) }));
};

describe('the worker, about events', () => {
  it('purges the events older than EVENT_RETENTION_DAYS, and keeps the rest', async () => {
    const start = clock;
    const customer = await signUpCustomer(server.url, 'retention@example.com');
    const old = await placeOrderFor(await logInAdmin(server.url), customer.client, {
      sku: 'KEEP-1',
    });
    await server.worker.tick();
    expect((await allEvents()).map((event) => event.aggregateId)).toContain(old.id);

    clock = start + 10 * DAY_MS;
    await (
      await logInAdmin(server.url)
    ).inventory.upsert.mutate({ sku: 'KEEP-2', name: 'Kept', priceCents: 900, onHand: 4 });

    // 29 days on: nothing is old enough yet.
    clock = start + 29 * DAY_MS;
    await server.worker.tick();
    const before = await allEvents();
    expect(before.filter((event) => event.createdAt.getTime() === start).length).toBeGreaterThan(0);

    // Past 30 days: the first events go; the one of day 10 stays, and so does what this round
    // wrote (the old order, unpaid, expires now).
    clock = start + 30 * DAY_MS + 60_000;
    await server.worker.tick();
    const after = await allEvents();
    const cutoff = clock - 30 * DAY_MS;
    const kept = new Set(after.map((event) => event.id));
    const [older, younger] = [
      before.filter((event) => event.createdAt.getTime() < cutoff),
      before.filter((event) => event.createdAt.getTime() >= cutoff),
    ];
    expect(older.length).toBeGreaterThan(0);
    expect(older.filter((event) => kept.has(event.id))).toEqual([]);
    expect(younger.filter((event) => !kept.has(event.id))).toEqual([]);
    expect(younger.map((event) => event.createdAt.getTime())).toContain(start + 10 * DAY_MS);
    // The expiry's event keeps its place in the order's history: versions are never reused.
    const expired = after.find((event) => event.aggregateId === old.id);
    expect(expired).toMatchObject({ type: 'order.cancelled', aggregateVersion: 2 });
  });

  it('purges a backlog in batches, at most so many a round, the rest the next', async () => {
    const admin = await logInAdmin(server.url);
    for (const onHand of [1, 2, 3, 4, 5]) {
      await admin.inventory.upsert.mutate({
        sku: 'BATCH-1',
        name: 'Batch',
        priceCents: 100,
        onHand,
      });
    }
    const deps = { db: server.services.db, now: new Date(clock + 31 * DAY_MS) };
    const options = { retentionDays: 30, batch: 2, maxBatches: 2 };
    const backlog = (await allEvents()).length;
    expect(backlog).toBeGreaterThanOrEqual(5);
    expect(await purgeExpiredEvents(deps, options)).toBe(4);
    expect(await purgeExpiredEvents(deps, { ...options, maxBatches: 1_000 })).toBe(backlog - 4);
    expect(await allEvents()).toEqual([]);
  });
});
