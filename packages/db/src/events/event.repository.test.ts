import { randomUUID } from 'node:crypto';
import { ok } from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { parseEventCursor } from './event-cursor.js';
import {
  appendEventsStatement,
  currentEventCursor,
  eventHorizon,
  listEvents,
  purgeEvents,
  type EventQuery,
  type NewEvent,
  type StoredEvent,
} from './event.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

// Two sessions at once need a real server (PGlite serves every connection from one session).
const onServer = Boolean(process.env.TEST_DATABASE_URL);
const at = new Date('2026-12-06T10:00:00.123Z');

function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: `evt_${randomUUID()}`,
    type: 'order.created',
    aggregateType: 'order',
    aggregateId: randomUUID(),
    ownerId: randomUUID(),
    aggregateVersion: null,
    data: { object: { id: 'o', status: 'PENDING' }, previous: {} },
    createdAt: at,
    ...overrides,
  };
}

async function append(events: readonly NewEvent[]): Promise<void> {
  const result = await db.database.transaction((tx) =>
    tx.commitWith([appendEventsStatement(events)]),
  );
  expect(result).toEqual(ok(undefined));
}

/**
 * `listEvents` until it gives every one of `expected`, and only those of what it gives: a reader
 * waits for the oldest transaction running anywhere on the server, which may be another test
 * file's (and other tests' events may then come after a test's starting cursor).
 */
async function listSettled(
  query: EventQuery,
  expected: readonly NewEvent[],
): Promise<StoredEvent[]> {
  const ids = new Set(expected.map((event) => event.id));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const listed = (await listEvents(db.database, query)).filter((event) => ids.has(event.id));
    if (listed.length >= ids.size || Date.now() > deadline) return listed;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether cursor `a` comes after cursor `b`, as `(xid, seq)` pairs. */
function isAfter(a: string, b: string): boolean {
  const [x, y] = [parseEventCursor(a), parseEventCursor(b)];
  if (x === undefined || y === undefined) throw new Error('not a cursor');
  const [ax, bx] = [BigInt(x.xid), BigInt(y.xid)];
  return ax !== bx ? ax > bx : BigInt(x.seq) > BigInt(y.seq);
}

describe('appending and listing events', () => {
  it('gives back what was appended, versioned 1, 2, 3 over two transactions', async () => {
    const start = await currentEventCursor(db.database);
    const ownerId = randomUUID();
    const order = { aggregateType: 'order', aggregateId: randomUUID(), ownerId } as const;
    const created = newEvent({
      ...order,
      data: { object: { id: 'o', note: 'naïve ✓', lines: [1, 2] }, previous: null },
    });
    const confirmed = newEvent({ ...order, type: 'order.confirmed' });
    const refunded = newEvent({
      ...order,
      type: 'order.refunded',
      createdAt: new Date('2026-12-07T00:00:00Z'),
      data: { object: { id: 'o' }, previous: { status: 'CONFIRMED' }, reason: 'other' },
    });
    await append([created, confirmed]);
    await append([refunded]);

    const listed = await listSettled({ after: start, ownerId, limit: 10 }, [
      created,
      confirmed,
      refunded,
    ]);
    expect(listed.map(({ cursor: _, ...event }) => event)).toEqual(
      [created, confirmed, refunded].map((event, index) => ({
        ...event,
        aggregateVersion: index + 1,
      })),
    );
    const cursors = listed.map((event) => event.cursor);
    expect(cursors.every((cursor, i) => i === 0 || isAfter(cursor, cursors[i - 1] ?? ''))).toBe(
      true,
    );
  });

  it('lists the same events with the same cursors and no documents when asked without data', async () => {
    const ownerId = randomUUID();
    const events = [newEvent({ ownerId }), newEvent({ ownerId, type: 'order.confirmed' })];
    await append(events);
    const full = await listSettled({ after: null, ownerId, limit: 10 }, events);
    const bare = await listSettled({ after: null, ownerId, limit: 10, withoutData: true }, events);
    expect(bare).toEqual(full.map((event) => ({ ...event, data: null })));
    expect(full.map((event) => event.data)).toEqual(events.map((event) => event.data));
  });

  it('stores the versions events come with, as given, and refuses a batch that mixes both kinds', async () => {
    const aggregateId = randomUUID();
    const events = [4, 5].map((version) => newEvent({ aggregateId, aggregateVersion: version }));
    await append(events);
    const listed = await listSettled({ after: null, limit: 10_000 }, events);
    expect(listed.map((event) => event.aggregateVersion)).toEqual([4, 5]);
    expect(() => appendEventsStatement([newEvent({ aggregateVersion: 1 }), newEvent()])).toThrow(
      /all with their versions, or all without/,
    );
  });

  it('numbers the events of each aggregate on its own, and lists them in the order given', async () => {
    const ownerId = randomUUID();
    const start = await currentEventCursor(db.database);
    const payment = { aggregateType: 'payment', aggregateId: randomUUID(), ownerId } as const;
    const order = { aggregateType: 'order', aggregateId: randomUUID(), ownerId } as const;
    const events = [
      newEvent({ ...payment, type: 'payment.created' }),
      newEvent({ ...order, type: 'order.created' }),
      newEvent({ ...payment, type: 'payment.attempt_failed' }),
      newEvent({ ...payment, type: 'payment.succeeded' }),
      newEvent({ ...order, type: 'order.confirmed' }),
    ];
    await append(events);

    const listed = await listSettled({ after: start, ownerId, limit: 10 }, events);
    expect(listed.map((event) => [event.id, event.aggregateVersion])).toEqual([
      [events[0]?.id, 1],
      [events[1]?.id, 1],
      [events[2]?.id, 2],
      [events[3]?.id, 3],
      [events[4]?.id, 2],
    ]);
  });

  it('lists a long batch in the order given, its cursors ordered as numbers', async () => {
    const ownerId = randomUUID();
    const start = await currentEventCursor(db.database);
    const order = { aggregateType: 'order', aggregateId: randomUUID(), ownerId } as const;
    const events = Array.from({ length: 25 }, () => newEvent(order));
    await append(events);

    const listed = await listSettled({ after: start, ownerId, limit: 100 }, events);
    expect(listed.map((event) => [event.id, event.aggregateVersion])).toEqual(
      events.map((event, index) => [event.id, index + 1]),
    );
  });

  it('keeps handing out versions after the last one when old events were purged', async () => {
    const old = new Date('2019-01-01T00:00:00Z');
    const product = { aggregateType: 'product', aggregateId: randomUUID(), ownerId: null } as const;
    await append([newEvent({ ...product, type: 'product.updated', createdAt: old })]);
    await append([newEvent({ ...product, type: 'product.updated', createdAt: old })]);
    expect(await purgeEvents(db.database, new Date('2019-06-01T00:00:00Z'), 100)).toBe(2);

    const start = await currentEventCursor(db.database);
    const next = newEvent({ ...product, type: 'product.updated' });
    await append([next]);
    const listed = await listSettled({ after: start, types: ['product.updated'], limit: 100 }, [
      next,
    ]);
    expect(listed.map((event) => [event.id, event.aggregateVersion])).toEqual([[next.id, 3]]);
  });

  it.runIf(onServer)(
    'gives concurrent appenders to one aggregate distinct versions, one after another',
    async () => {
      const ownerId = randomUUID();
      const refund = { aggregateType: 'refund', aggregateId: randomUUID(), ownerId } as const;
      const batches = Array.from({ length: 8 }, () => [newEvent(refund), newEvent(refund)]);
      await Promise.all(batches.map((batch) => append(batch)));
      const listed = await listSettled({ after: null, ownerId, limit: 100 }, batches.flat());
      const versions = listed.map((event) => event.aggregateVersion).sort((x, y) => x - y);
      expect(versions).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    },
  );

  it('filters by any of the types, by owner, and pages by cursor giving each event once', async () => {
    const start = await currentEventCursor(db.database);
    const [alice, bob] = [randomUUID(), randomUUID()];
    const events = [
      newEvent({ ownerId: alice, type: 'order.created' }),
      newEvent({ ownerId: bob, type: 'order.created' }),
      newEvent({ ownerId: alice, type: 'payment.succeeded', aggregateType: 'payment' }),
      newEvent({ ownerId: alice, type: 'order.confirmed' }),
      newEvent({ ownerId: bob, type: 'refund.created', aggregateType: 'refund' }),
      newEvent({ ownerId: alice, type: 'order.cancelled' }),
      newEvent({ ownerId: null, type: 'product.updated', aggregateType: 'product' }),
    ];
    await append(events.slice(0, 4));
    await append(events.slice(4));
    // Only this test's events count: on a server, others' may come after `start` too.
    const mine = new Set(events.map((event) => event.id));
    const ids = (listed: readonly StoredEvent[]) =>
      listed.map((event) => event.id).filter((id) => mine.has(id));
    const idsOf = (indexes: readonly number[]) => indexes.map((index) => events[index]?.id);

    const all = await listSettled({ after: start, limit: 100 }, events);
    expect(ids(all)).toEqual(idsOf([0, 1, 2, 3, 4, 5, 6]));
    const types = ['order.created', 'refund.created'];
    expect(ids(await listEvents(db.database, { after: start, types, limit: 100 }))).toEqual(
      idsOf([0, 1, 4]),
    );
    expect(
      ids(await listEvents(db.database, { after: start, ownerId: alice, limit: 100 })),
    ).toEqual(idsOf([0, 2, 3, 5]));
    expect(
      ids(await listEvents(db.database, { after: start, ownerId: bob, types, limit: 100 })),
    ).toEqual(idsOf([1, 4]));
    expect(ids(await listEvents(db.database, { after: start, types: [], limit: 100 }))).toEqual([]);
    const firstTwo = await listEvents(db.database, { after: start, ownerId: alice, limit: 2 });
    expect(firstTwo.map((event) => event.id)).toEqual(idsOf([0, 2]));

    const paged: string[] = [];
    let after = start;
    for (let page = 0; page < 10; page++) {
      const listed = await listEvents(db.database, { after, limit: 2 });
      const last = listed.at(-1);
      if (last === undefined) break;
      paged.push(...ids(listed));
      after = last.cursor;
    }
    expect(paged).toEqual(idsOf([0, 1, 2, 3, 4, 5, 6]));
  });

  it('lists from the oldest event kept when there is no cursor', async () => {
    const listed = await listEvents(db.database, { after: null, limit: 1_000 });
    expect(listed.length).toBeGreaterThan(0);
    const oldest = listed[0]?.cursor ?? '';
    expect(listed.every((event, index) => index === 0 || isAfter(event.cursor, oldest))).toBe(true);
  });

  it('refuses an invalid cursor rather than reading from somewhere else', async () => {
    await expect(listEvents(db.database, { after: '1-', limit: 1 })).rejects.toThrow(
      'invalid event cursor',
    );
  });

  it('gives a cursor of now: what is listed is at or before it, what commits later after it', async () => {
    const before = newEvent();
    await append([before]);
    await listSettled({ after: null, ownerId: before.ownerId ?? '', limit: 1 }, [before]);
    const [listed, now] = await db.database.snapshot(async (tx) => [
      await listEvents(tx, { after: null, limit: 1_000 }),
      await currentEventCursor(tx),
    ]);
    expect(listed.some((event) => event.id === before.id)).toBe(true);
    expect(listed.every((event) => !isAfter(event.cursor, now))).toBe(true);

    const later = newEvent();
    await append([later]);
    expect(await listSettled({ after: now, limit: 1_000 }, [later])).toHaveLength(1);
    const afterNow = await listEvents(db.database, { after: now, limit: 1_000 });
    expect(afterNow.some((event) => event.id === before.id)).toBe(false);
  });

  it('refuses an empty list, and an aggregate type it does not know', async () => {
    expect(() => appendEventsStatement([])).toThrow(RangeError);
    const unknown = newEvent({ aggregateType: 'user' as NewEvent['aggregateType'] });
    await expect(append([unknown])).rejects.toThrow(/events_aggregate_type_known/);
  });
});

describe('append-only events', () => {
  it('refuses to update, delete or truncate them outside the purge', async () => {
    const event = newEvent();
    await append([event]);
    await expect(
      db.database.execute("update events set type = 'order.failed' where id = ?", [event.id]),
    ).rejects.toThrow(/events is append-only: UPDATE refused/);
    await expect(
      db.database.execute('delete from events where id = ?', [event.id]),
    ).rejects.toThrow(/events is append-only: DELETE refused/);
    await expect(db.database.execute('truncate events')).rejects.toThrow(
      /events is append-only: TRUNCATE refused/,
    );
    await expect(db.database.execute('delete from event_aggregate_versions')).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    const kept = await db.database.execute('select id from events where id = ?', [event.id]);
    expect(kept).toHaveLength(1);
  });

  it('purges the oldest events past the cut-off, at most the limit at a time, and says how many', async () => {
    // A database of its own: the purge goes oldest first, and this file's other events are newer.
    const own = await createMigratedTestDatabase();
    try {
      const events = ['2019-12-30', '2019-12-31', '2020-01-01', '2020-02-01'].map((day) =>
        newEvent({ createdAt: new Date(`${day}T00:00:00Z`) }),
      );
      const written = await own.database.transaction((tx) =>
        tx.commitWith([appendEventsStatement(events)]),
      );
      expect(written).toEqual(ok(undefined));
      const cutOff = new Date('2020-01-15T00:00:00Z');
      expect(await purgeEvents(own.database, cutOff, 2)).toBe(2);
      expect(await purgeEvents(own.database, cutOff, 10)).toBe(1);
      expect(await purgeEvents(own.database, cutOff, 10)).toBe(0);
      const left = await own.database.execute<{ id: string }[]>('select id from events');
      expect(left.map((row) => row.id)).toEqual([events[3]?.id]);
    } finally {
      await own.dispose();
    }
  });

  it('leaves the purge switch off outside the purge’s own transaction', async () => {
    await purgeEvents(db.database, new Date('2000-01-01T00:00:00Z'), 1);
    const event = newEvent();
    await append([event]);
    await expect(
      db.database.execute('delete from events where id = ?', [event.id]),
    ).rejects.toThrow(/append-only/);
  });
});

describe('no gaps', () => {
  it.runIf(onServer)(
    'holds back an event committed ahead of an older open transaction, then gives both in order',
    async () => {
      const ownerId = randomUUID();
      const seen = newEvent({ ownerId });
      const a = newEvent({ ownerId, type: 'order.confirmed' });
      const b = newEvent({ ownerId, type: 'payment.created', aggregateType: 'payment' });
      const mine = (after: string | null) => ({ after, ownerId, limit: 10 });
      const bySeq = () =>
        db.database.execute<{ id: string; seq: string }[]>(
          'select id, seq::text as seq from events where owner_id = ? order by seq',
          [ownerId],
        );
      await append([seen]);
      const [first] = await listSettled(mine(null), [seen]);
      const cursor = first?.cursor ?? '';

      // A appends first (the smaller xid and seq), B later; B commits while A is still open.
      const whileAOpen = await db.database.transaction(async (txA) => {
        expect(await txA.run([appendEventsStatement([a])])).toEqual(ok(undefined));
        const committedB = await db.database.transaction((txB) =>
          txB.commitWith([appendEventsStatement([b])]),
        );
        expect(committedB).toEqual(ok(undefined));
        return ok({
          listed: await listEvents(db.database, mine(cursor)),
          committed: await bySeq(),
        });
      });
      if (!whileAOpen.ok) throw new Error('transaction A was refused');
      const { listed, committed } = whileAOpen.value;
      // The cursor reader does not go past A's place while A may still commit…
      expect(listed).toEqual([]);
      // … where a reader by seq would have taken b, and moved its mark past a's seq.
      expect(committed.map((row) => row.id)).toEqual([seen.id, b.id]);
      const naiveMark = committed.at(-1)?.seq ?? '';

      // A has committed, after B: in seq order a comes before b, so the naive reader skips it.
      expect((await bySeq()).map((row) => row.id)).toEqual([seen.id, a.id, b.id]);
      const naive = await db.database.execute<{ id: string }[]>(
        'select id from events where owner_id = ? and seq > ?::bigint order by seq',
        [ownerId, naiveMark],
      );
      expect(naive).toEqual([]);

      // The cursor reader, resuming after the last event it saw, gets a, then b: none skipped.
      const resumed = await listSettled(mine(cursor), [a, b]);
      expect(resumed.map((event) => event.id)).toEqual([a.id, b.id]);
    },
  );

  it.runIf(onServer)(
    'starts a reader exactly at now with the horizon: none committed before, none missed',
    async () => {
      const ownerId = randomUUID();
      const early = newEvent({ ownerId });
      const late = newEvent({ ownerId, type: 'order.confirmed' });
      const mine = { ownerId, limit: 10 };

      // An older transaction stays open across "now", holding the cursor of now back; `early`
      // commits before now (from a younger transaction), `late` — the old one's — after.
      const result = await db.database.transaction(async (old) => {
        expect(await old.run([appendEventsStatement([late])])).toEqual(ok(undefined));
        await append([early]);
        return ok(await eventHorizon(db.database));
      });
      if (!result.ok) throw new Error('the old transaction was refused');
      const now = result.value;

      // By the cursor alone, `early` comes after now: given once more. With the snapshot, not.
      const byCursor = await listSettled({ ...mine, after: now.cursor }, [early, late]);
      expect(byCursor.map((event) => event.id)).toEqual([late.id, early.id]);
      const exact = await listSettled(
        { ...mine, after: now.cursor, committedAfter: now.snapshot },
        [late],
      );
      expect(exact.map((event) => event.id)).toEqual([late.id]);
    },
  );
});
