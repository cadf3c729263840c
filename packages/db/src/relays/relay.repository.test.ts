import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import {
  advanceRelayCursor,
  claimRelayLease,
  countEventsAfterRelay,
  readRelayCursor,
  releaseRelayLease,
} from './relay.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the relay lease', () => {
  it('is held by one owner at a time, even when many claim at once', async () => {
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => claimRelayLease(db.database, 'race', owner, 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('lets its holder renew it and refuses the others while it runs', async () => {
    expect(await claimRelayLease(db.database, 'held', 'a', 60_000)).toBe(true);
    expect(await claimRelayLease(db.database, 'held', 'b', 60_000)).toBe(false);
    expect(await claimRelayLease(db.database, 'held', 'a', 60_000)).toBe(true);
    expect(await claimRelayLease(db.database, 'held', 'b', 60_000)).toBe(false);
  });

  it('passes to another owner once it has run out', async () => {
    expect(await claimRelayLease(db.database, 'expiring', 'a', 200)).toBe(true);
    expect(await claimRelayLease(db.database, 'expiring', 'b', 60_000)).toBe(false);
    await sleep(300);
    expect(await claimRelayLease(db.database, 'expiring', 'b', 60_000)).toBe(true);
    expect(await claimRelayLease(db.database, 'expiring', 'a', 60_000)).toBe(false);
  });

  it('passes to another owner at once when released', async () => {
    expect(await claimRelayLease(db.database, 'released', 'a', 60_000)).toBe(true);
    await releaseRelayLease(db.database, 'released', 'b');
    expect(await claimRelayLease(db.database, 'released', 'b', 60_000)).toBe(false);
    await releaseRelayLease(db.database, 'released', 'a');
    expect(await claimRelayLease(db.database, 'released', 'b', 60_000)).toBe(true);
  });
});

describe('the relay cursor', () => {
  it('is null before the relay delivered anything', async () => {
    expect(await readRelayCursor(db.database, 'never')).toBeNull();
    await claimRelayLease(db.database, 'fresh', 'a', 60_000);
    expect(await readRelayCursor(db.database, 'fresh')).toBeNull();
  });

  it('is advanced by the lease holder', async () => {
    await claimRelayLease(db.database, 'moving', 'a', 60_000);
    expect(await advanceRelayCursor(db.database, 'moving', 'a', '10-1')).toBe(true);
    expect(await advanceRelayCursor(db.database, 'moving', 'a', '10-2')).toBe(true);
    expect(await readRelayCursor(db.database, 'moving')).toBe('10-2');
  });

  it('cannot be moved by an owner whose lease ran out and passed to another', async () => {
    await claimRelayLease(db.database, 'stale', 'a', 200);
    expect(await advanceRelayCursor(db.database, 'stale', 'a', '5-1')).toBe(true);
    await sleep(300);
    expect(await advanceRelayCursor(db.database, 'stale', 'a', '5-2')).toBe(false);
    expect(await claimRelayLease(db.database, 'stale', 'b', 60_000)).toBe(true);
    expect(await advanceRelayCursor(db.database, 'stale', 'a', '5-3')).toBe(false);
    expect(await readRelayCursor(db.database, 'stale')).toBe('5-1');
    expect(await advanceRelayCursor(db.database, 'stale', 'b', '5-4')).toBe(true);
    expect(await readRelayCursor(db.database, 'stale')).toBe('5-4');
  });

  it('cannot be moved by anyone who never held the lease', async () => {
    await claimRelayLease(db.database, 'owned', 'a', 60_000);
    expect(await advanceRelayCursor(db.database, 'owned', 'b', '1-1')).toBe(false);
    expect(await advanceRelayCursor(db.database, 'nobody', 'b', '1-1')).toBe(false);
  });

  it('counts no lag when there are no events', async () => {
    expect(await countEventsAfterRelay(db.database, 'moving', 10_000)).toBe(0);
  });
});
