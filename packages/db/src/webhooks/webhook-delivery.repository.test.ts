import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEventsStatement } from '../events/event.repository.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { err, ok } from '@orders/core';
import {
  claimDueWebhookDeliveries,
  insertWebhookDeliveries,
  lockClaimedWebhookDelivery,
  recordWebhookAttempt,
  type WebhookAttemptRecord,
} from './webhook-delivery.repository.js';
import { listWebhookDeliveries } from './webhook-delivery-log.repository.js';
import {
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  lockWebhookEndpoint,
  type WebhookEndpoint,
} from './webhook-endpoint.repository.js';
import {
  insertRedelivery,
  lockWebhookDeliveryOf,
  requestWebhookRedelivery,
  resetWebhookDelivery,
} from './webhook-redelivery.repository.js';

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

/** Records an attempt as the server does: lock the claimed delivery, then write; false: not ours. */
async function record(owner: string, attempt: WebhookAttemptRecord): Promise<boolean> {
  const result = await db.database.transaction(async (tx) => {
    const held = await lockClaimedWebhookDelivery(tx, { ...attempt, owner });
    if (held === null) return err('LOST' as const);
    return tx.commitWith(recordWebhookAttempt(attempt));
  });
  return result.ok;
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
    const attempt = {
      deliveryId: one.id,
      attemptNo: 1,
      at: t0,
      statusCode: 500,
      latencyMs: 12,
      error: null,
      status: 'RETRY' as const,
      nextAttemptAt: new Date(t0.getTime() + 1000),
    };
    expect(await record('someone-else', attempt)).toBe(false);
    expect(await record(owner, attempt)).toBe(true);
    expect(await record(owner, attempt)).toBe(false);

    // Not due yet; then due.
    expect(await claimDueWebhookDeliveries(db.database, { ...lease, owner: 'a' })).toHaveLength(0);
    const later = { ...lease, now: new Date(t0.getTime() + 1000), owner: 'a' };
    expect(await claimDueWebhookDeliveries(db.database, later)).toHaveLength(1);
    const delivered = { ...attempt, attemptNo: 2, statusCode: 204 };
    expect(await record('a', { ...delivered, status: 'DELIVERED', nextAttemptAt: null })).toBe(
      true,
    );

    const [delivery] = await listWebhookDeliveries(db.database, {
      endpointId: endpoint.id,
      limit: 10,
    });
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatus: 204 });
    expect(delivery?.log.map((l) => l.statusCode)).toEqual([500, 204]);
  });

  it('are redelivered: created, reset at rest, or flagged to go again while in flight', async () => {
    const endpoint = await anEndpoint();
    const eventId = await anEvent();
    const key = { endpointId: endpoint.id, eventId };
    const locked = () =>
      db.database.transaction(async (tx) => ok(await lockWebhookDeliveryOf(tx, key)));

    expect(await locked()).toEqual(ok(null));
    const created = await db.database.transaction(async (tx) =>
      ok(await insertRedelivery(tx, { id: randomUUID(), ...key, now: t0 })),
    );
    expect(created).toEqual(ok(true));
    const missing = await db.database.transaction(async (tx) =>
      ok(await insertRedelivery(tx, { id: randomUUID(), ...key, eventId: 'evt_gone', now: t0 })),
    );
    expect(missing).toEqual(ok(false));

    const state = await locked();
    if (!state.ok || state.value === null) throw new Error('the redelivery was not created');
    expect(state.value).toMatchObject({ status: 'PENDING', leaseUntil: null });
    const { id } = state.value;

    // Claimed (in flight), then flagged: the attempt's record lands and makes it due again.
    const lease = { now: t0, leaseUntil: new Date(t0.getTime() + 60_000), limit: 100, owner: 'w' };
    const claimed = await claimDueWebhookDeliveries(db.database, lease);
    expect(claimed.map((c) => c.id)).toContain(id);
    expect(await locked()).toMatchObject({ value: { leaseUntil: lease.leaseUntil } });
    await db.database.transaction(async (tx) => {
      await requestWebhookRedelivery(tx, id);
      return ok(undefined);
    });
    const flagged = await db.database.transaction(async (tx) => {
      const held = await lockClaimedWebhookDelivery(tx, {
        deliveryId: id,
        owner: 'w',
        attemptNo: 1,
      });
      return ok(held);
    });
    expect(flagged).toEqual(ok({ redeliverRequested: true }));
    const attempt = {
      deliveryId: id,
      attemptNo: 1,
      at: t0,
      statusCode: 200,
      latencyMs: 3,
      error: null,
      status: 'PENDING' as const,
      nextAttemptAt: t0,
    };
    expect(await record('w', attempt)).toBe(true);
    const after = await db.database.transaction(async (tx) =>
      ok(await lockClaimedWebhookDelivery(tx, { deliveryId: id, owner: 'w', attemptNo: 2 })),
    );
    expect(after).toEqual(ok(null));
    const [again] = await claimDueWebhookDeliveries(db.database, { ...lease, owner: 'v' });
    expect(again?.id).toBe(id);
    expect(again?.attempts).toBe(1);

    // At rest (its lease given up by a clean stop): reset, due now, the log kept.
    await db.database.transaction(async (tx) => {
      await resetWebhookDelivery(tx, id, t0);
      return ok(undefined);
    });
    const [row] = await listWebhookDeliveries(db.database, { endpointId: endpoint.id, limit: 5 });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row?.log).toHaveLength(1);
  });

  it('lock an endpoint for the recording of its streak', async () => {
    const endpoint = await anEndpoint({ consecutiveFailures: 3 });
    const locked = await db.database.transaction(async (tx) =>
      ok(await lockWebhookEndpoint(tx, endpoint.id)),
    );
    expect(locked).toMatchObject({ value: { id: endpoint.id, consecutiveFailures: 3 } });
    const none = await db.database.transaction(async (tx) =>
      ok(await lockWebhookEndpoint(tx, randomUUID())),
    );
    expect(none).toEqual(ok(null));
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
