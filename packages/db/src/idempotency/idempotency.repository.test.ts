import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestUser } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { claimIdempotencyKey, purgeIdempotencyKeys } from './idempotency.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const at = new Date('2026-01-01T00:00:00Z');
const em = () => db.database;

describe('idempotency keys', () => {
  it('lets the first request claim a key for its resource and shows later ones what it stored', async () => {
    const userId = await insertTestUser(db.orm);
    const ref = { userId, scope: 'orders.create', key: 'k-1' };
    const resourceId = randomUUID();
    expect(await claimIdempotencyKey(em(), { ...ref, requestHash: 'h1', resourceId, at })).toEqual({
      claimed: true,
    });
    const again = { ...ref, requestHash: 'h2', resourceId: randomUUID(), at };
    expect(await claimIdempotencyKey(em(), again)).toEqual({
      claimed: false,
      record: { requestHash: 'h1', state: 'COMPLETED', resourceId },
    });
  });

  it('forgets a claim whose transaction rolled back, so a retry claims the key afresh', async () => {
    const userId = await insertTestUser(db.orm);
    const claim = { userId, scope: 'payments.pay', key: 'rolled-back', requestHash: 'h', at };
    await expect(
      db.database.transaction(async (tx) => {
        await claimIdempotencyKey(tx, { ...claim, resourceId: randomUUID() });
        throw new Error('the request failed');
      }),
    ).rejects.toThrow('the request failed');
    expect(await claimIdempotencyKey(em(), { ...claim, resourceId: randomUUID() })).toEqual({
      claimed: true,
    });
  });

  it('scopes a key to one user and one operation', async () => {
    const [a, b] = [await insertTestUser(db.orm), await insertTestUser(db.orm)];
    const claim = (userId: string, scope: string) =>
      claimIdempotencyKey(em(), {
        userId,
        scope,
        key: 'shared',
        requestHash: 'h',
        resourceId: randomUUID(),
        at,
      });
    expect(await claim(a, 'orders.create')).toEqual({ claimed: true });
    expect(await claim(b, 'orders.create')).toEqual({ claimed: true });
    expect(await claim(a, 'payments.pay')).toEqual({ claimed: true });
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const userId = await insertTestUser(db.orm);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimIdempotencyKey(em(), {
          userId,
          scope: 's',
          key: 'race',
          requestHash: `h${i}`,
          resourceId: randomUUID(),
          at,
        }),
      ),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });

  it('purges keys older than the cut-off, so a key can be used again after its retention', async () => {
    const userId = await insertTestUser(db.orm);
    const old = { userId, scope: 'payments.pay', key: 'old', requestHash: 'h' };
    const fresh = { userId, scope: 'payments.pay', key: 'fresh', requestHash: 'h' };
    const claim = (key: typeof old, when: Date) =>
      claimIdempotencyKey(em(), { ...key, resourceId: randomUUID(), at: when });
    await claim(old, new Date('2026-01-01T00:00:00Z'));
    await claim(fresh, new Date('2026-01-03T00:00:00Z'));
    expect(
      await purgeIdempotencyKeys(em(), new Date('2026-01-02T00:00:00Z'), 100),
    ).toBeGreaterThanOrEqual(1);
    expect(await claim(old, at)).toEqual({ claimed: true });
    expect((await claim(fresh, at)).claimed).toBe(false);
  });
});
