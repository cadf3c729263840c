import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestUser } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  purgeIdempotencyKeys,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
} from './idempotency.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const at = new Date('2026-01-01T00:00:00Z');
const em = () => db.orm.em.fork();

describe('idempotency keys', () => {
  it('lets the first request claim a key and shows later ones what was stored', async () => {
    const userId = await insertTestUser(db.orm);
    const ref = { userId, scope: 'orders.create', key: 'k-1' };
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h1', at })).toEqual({
      claimed: true,
    });
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h2', at })).toEqual({
      claimed: false,
      record: { requestHash: 'h1', state: 'IN_PROGRESS', resourceId: null, lockedAt: at },
    });

    const resourceId = randomUUID();
    await completeIdempotencyKey(em(), { ...ref, resourceId });
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h1', at })).toEqual({
      claimed: false,
      record: { requestHash: 'h1', state: 'COMPLETED', resourceId, lockedAt: null },
    });
  });

  it('scopes a key to one user and one operation', async () => {
    const [a, b] = [await insertTestUser(db.orm), await insertTestUser(db.orm)];
    const claim = (userId: string, scope: string) =>
      claimIdempotencyKey(em(), { userId, scope, key: 'shared', requestHash: 'h', at });
    expect(await claim(a, 'orders.create')).toEqual({ claimed: true });
    expect(await claim(b, 'orders.create')).toEqual({ claimed: true });
    expect(await claim(a, 'payments.pay')).toEqual({ claimed: true });
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const userId = await insertTestUser(db.orm);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimIdempotencyKey(em(), { userId, scope: 's', key: 'race', requestHash: `h${i}`, at }),
      ),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });

  it('throws when completing a key nobody claimed', async () => {
    const userId = await insertTestUser(db.orm);
    await expect(
      completeIdempotencyKey(em(), { userId, scope: 's', key: 'never', resourceId: randomUUID() }),
    ).rejects.toThrow(/not claimed/);
  });
});

describe('taking over and releasing a key', () => {
  it('lets exactly one request take over a stale claim', async () => {
    const userId = await insertTestUser(db.orm);
    const ref = { userId, scope: 'payments.pay', key: 'stale' };
    await claimIdempotencyKey(em(), { ...ref, requestHash: 'h', at });
    const later = new Date(at.getTime() + 60_000);
    expect(await takeOverIdempotencyKey(em(), { ...ref, lockedAt: at, at: later })).toBe(true);
    expect(await takeOverIdempotencyKey(em(), { ...ref, lockedAt: at, at: later })).toBe(false);
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h', at })).toMatchObject({
      record: { lockedAt: later },
    });
  });

  it('releases an unfinished key so the next request claims it afresh, but never a completed one', async () => {
    const userId = await insertTestUser(db.orm);
    const ref = { userId, scope: 'payments.pay', key: 'released' };
    await claimIdempotencyKey(em(), { ...ref, requestHash: 'h', at });
    await releaseIdempotencyKey(em(), ref);
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h2', at })).toEqual({
      claimed: true,
    });
    await completeIdempotencyKey(em(), { ...ref, resourceId: randomUUID() });
    await releaseIdempotencyKey(em(), ref);
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h2', at })).toMatchObject({
      claimed: false,
      record: { state: 'COMPLETED' },
    });
  });

  it('purges keys older than the cut-off, so a key can be used again after its retention', async () => {
    const userId = await insertTestUser(db.orm);
    const old = { userId, scope: 'payments.pay', key: 'old' };
    const fresh = { userId, scope: 'payments.pay', key: 'fresh' };
    await claimIdempotencyKey(em(), {
      ...old,
      requestHash: 'h',
      at: new Date('2026-01-01T00:00:00Z'),
    });
    await claimIdempotencyKey(em(), {
      ...fresh,
      requestHash: 'h',
      at: new Date('2026-01-03T00:00:00Z'),
    });
    expect(
      await purgeIdempotencyKeys(em(), new Date('2026-01-02T00:00:00Z'), 100),
    ).toBeGreaterThanOrEqual(1);
    expect(await claimIdempotencyKey(em(), { ...old, requestHash: 'other', at })).toEqual({
      claimed: true,
    });
    expect((await claimIdempotencyKey(em(), { ...fresh, requestHash: 'h', at })).claimed).toBe(
      false,
    );
  });
});
