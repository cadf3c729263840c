import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEventsStatement } from '../events/event.repository.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
  claimDueWebhookDeliveries,
  deleteWebhookEndpoint,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  recordWebhookAttempt,
  redeliverWebhook,
  type WebhookEndpoint,
} from './webhook.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const t0 = new Date('2026-12-08T00:00:00.000Z');

async function anEndpoint(over: Partial<WebhookEndpoint> = {}): Promise<WebhookEndpoint> {
  const endpoint: WebhookEndpoint = {
    id: randomUUID(),
    url: 'https://example.com/hook',
    description: null,
    types: ['product.created'],
    secret: 'whsec_c2VjcmV0',
    enabled: true,
    consecutiveFailures: 0,
    disabledReason: null,
    createdAt: t0,
    updatedAt: t0,
    ...over,
  };
  await insertWebhookEndpoint(db.database, endpoint);
  return endpoint;
}

async function anEvent(): Promise<string> {
  const id = `evt_${randomUUID()}`;
  const s = appendEventsStatement([
    {
      id,
      type: 'product.created',
      aggregateType: 'product',
      aggregateId: 'SKU-1',
      ownerId: null,
      aggregateVersion: null,
      data: { object: { sku: 'SKU-1' }, previous: null },
      createdAt: t0,
    },
  ]);
  await db.database.execute(s.sql, s.params, 'run');
  return id;
}

describe('webhook deliveries', () => {
  it('are created once per (endpoint, event), claimed once, and recorded by compare-and-set', async () => {
    const endpoint = await anEndpoint();
    const eventId = await anEvent();
    const one = { id: randomUUID(), endpointId: endpoint.id, eventId, now: t0 };
    expect(await insertWebhookDeliveries(db.database, [one])).toBe(1);
    expect(await insertWebhookDeliveries(db.database, [{ ...one, id: randomUUID() }])).toBe(0);

    const lease = { now: t0, leaseUntil: new Date(t0.getTime() + 60_000), limit: 10 };
    const [a, b] = await Promise.all([
      claimDueWebhookDeliveries(db.database, { ...lease, owner: 'a' }),
      claimDueWebhookDeliveries(db.database, { ...lease, owner: 'b' }),
    ]);
    const claimed = [...a, ...b];
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.event?.id).toBe(eventId);
    expect(claimed[0]?.endpoint.id).toBe(endpoint.id);
    const owner = a.length === 1 ? 'a' : 'b';
    const record = {
      deliveryId: one.id,
      owner,
      attemptNo: 1,
      at: t0,
      statusCode: 500,
      latencyMs: 12,
      error: null,
      status: 'RETRY' as const,
      nextAttemptAt: new Date(t0.getTime() + 1000),
      endpoint: { id: endpoint.id, consecutiveFailures: 1, disabledReason: null },
    };
    expect(await recordWebhookAttempt(db.database, { ...record, owner: 'someone-else' })).toBe(
      false,
    );
    expect(await recordWebhookAttempt(db.database, record)).toBe(true);
    expect(await recordWebhookAttempt(db.database, record)).toBe(false);

    // Not due yet; then due.
    expect(await claimDueWebhookDeliveries(db.database, { ...lease, owner: 'a' })).toHaveLength(0);
    const later = { ...lease, now: new Date(t0.getTime() + 1000), owner: 'a' };
    expect(await claimDueWebhookDeliveries(db.database, later)).toHaveLength(1);
    expect(
      await recordWebhookAttempt(db.database, {
        ...record,
        owner: 'a',
        attemptNo: 2,
        statusCode: 204,
        status: 'DELIVERED',
        nextAttemptAt: null,
        endpoint: { id: endpoint.id, consecutiveFailures: 0, disabledReason: null },
      }),
    ).toBe(true);

    const [delivery] = await listWebhookDeliveries(db.database, {
      endpointId: endpoint.id,
      limit: 10,
    });
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatus: 204 });
    expect(delivery?.log.map((l) => l.statusCode)).toEqual([500, 204]);

    expect(
      await redeliverWebhook(db.database, {
        id: randomUUID(),
        endpointId: endpoint.id,
        eventId,
        now: t0,
      }),
    ).toBe(true);
    expect(await claimDueWebhookDeliveries(db.database, later)).toHaveLength(1);
    expect(
      await redeliverWebhook(db.database, {
        id: randomUUID(),
        endpointId: endpoint.id,
        eventId: 'evt_missing',
        now: t0,
      }),
    ).toBe(false);
  });

  it('are not claimed for a disabled endpoint, and go with a deleted one', async () => {
    const endpoint = await anEndpoint({ enabled: false });
    const eventId = await anEvent();
    await insertWebhookDeliveries(db.database, [
      { id: randomUUID(), endpointId: endpoint.id, eventId, now: t0 },
    ]);
    const claims = await claimDueWebhookDeliveries(db.database, {
      owner: 'x',
      now: new Date(t0.getTime() + 10_000),
      leaseUntil: new Date(t0.getTime() + 60_000),
      limit: 100,
    });
    expect(claims.filter((c) => c.endpoint.id === endpoint.id)).toHaveLength(0);
    expect((await listWebhookEndpoints(db.database, true)).map((e) => e.id)).not.toContain(
      endpoint.id,
    );
    expect(await deleteWebhookEndpoint(db.database, endpoint.id)).toBe(true);
    expect(await listWebhookDeliveries(db.database, { endpointId: endpoint.id, limit: 5 })).toEqual(
      [],
    );
  });
});
