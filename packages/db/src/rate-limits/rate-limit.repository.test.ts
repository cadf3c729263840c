import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { createRateLimitRepository } from './rate-limit.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const t0 = new Date('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('the rate-limit counters', () => {
  it('counts hits on a key within its window', async () => {
    const limits = createRateLimitRepository(db.database);
    expect(await limits.hit('k1', 60_000, at(0))).toBe(1);
    expect(await limits.hit('k1', 60_000, at(1_000))).toBe(2);
    expect(await limits.hit('k1', 60_000, at(59_000))).toBe(3);
    expect(await limits.hit('other', 60_000, at(59_000))).toBe(1);
  });

  it('starts a new window once the old one has passed', async () => {
    const limits = createRateLimitRepository(db.database);
    await limits.hit('k2', 60_000, at(0));
    await limits.hit('k2', 60_000, at(10));
    expect(await limits.hit('k2', 60_000, at(60_000))).toBe(1);
    expect(await limits.hit('k2', 60_000, at(60_001))).toBe(2);
  });

  it('counts every concurrent hit exactly once', async () => {
    const hits = await Promise.all(
      Array.from({ length: 10 }, () =>
        createRateLimitRepository(db.database).hit('k3', 60_000, at(0)),
      ),
    );
    expect([...hits].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('forgets a key on reset and prunes windows that have ended', async () => {
    const limits = createRateLimitRepository(db.database);
    await limits.hit('k4', 60_000, at(0));
    await limits.reset('k4');
    expect(await limits.hit('k4', 60_000, at(1))).toBe(1);
    await limits.hit('old', 60_000, at(0));
    expect(await limits.prune(60_000, at(120_000))).toBeGreaterThanOrEqual(1);
    expect(await limits.hit('old', 60_000, at(120_000))).toBe(1);
  });
});
