import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asUserId,
  ok,
  planOrderTransition,
  planStockMoves,
  type Order,
} from '@orders/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDbError } from '../db-errors.js';
import { findStockDrift } from '../inventory/stock-audit.js';
import { stockMoveStatements } from '../inventory/stock-moves.js';
import {
  insertTestProducts,
  insertTestUser,
  placeTestOrder,
  startTestPayment,
  stockOf,
} from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { isOrderCursor, listOrdersForUser } from './order-listing.js';
import {
  findOrderById,
  findOrderHeader,
  findWholeOrder,
  insertOrderStatement,
  lockOrderForPayment,
  lockOrderWithPayment,
  orderTransitionStatement,
} from './order.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.database, [
    { sku: 'ORD-A', onHand: 1000, priceCents: 250 },
    { sku: 'ORD-B', onHand: 1000, priceCents: 1000 },
  ]);
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

// Two transactions open at once need a real server: PGlite runs one at a time.
const onServer = Boolean(process.env.TEST_DATABASE_URL);
const em = () => db.database;
const failureOf = (pending: Promise<unknown>): Promise<unknown> =>
  pending.then(
    () => undefined,
    (reason: unknown) => reason,
  );

describe('insertOrderStatement', () => {
  it('stores an order with its priced lines and its first event, and reads it back as core placed it', async () => {
    const user = await insertTestUser(db.orm);
    const placed = await placeTestOrder(em(), user, [
      { sku: 'ORD-B', quantity: 2 },
      { sku: 'ORD-A', quantity: 3 },
    ]);
    const found = await findOrderById(em(), placed.id);
    expect(found).toEqual(placed);
    expect(found?.total).toEqual({ amountCents: 2750, currency: 'USD' });
    expect(found?.lines.map((l) => l.sku)).toEqual(['ORD-B', 'ORD-A']);
    const { lines: _lines, ...header } = placed;
    expect(await findOrderHeader(em(), placed.id)).toEqual(header);
    const events = await em().execute(
      'select from_status, to_status, reason, actor from order_events where order_id = ?',
      [placed.id],
    );
    expect(events).toEqual([
      { from_status: null, to_status: 'PENDING', reason: 'created', actor: `user:${user}` },
    ]);
  });

  it('refuses, as a bug, to insert an order that is not PENDING', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-A', quantity: 1 },
    ]);
    expect(() => insertOrderStatement({ ...placed, status: 'CONFIRMED' })).toThrow(
      'a new order is PENDING, not CONFIRMED',
    );
  });

  it('throws, writing nothing, for an order of a user the database does not have', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-A', quantity: 1 },
    ]);
    const ghost: Order = {
      ...placed,
      id: asOrderId(randomUUID()),
      userId: asUserId(randomUUID()),
    };
    const error = await failureOf(
      em().transaction((tx) => tx.commitWith([insertOrderStatement(ghost)])),
    );
    expect(classifyDbError(error)).toEqual({
      kind: 'foreign-key',
      constraint: 'orders_user_id_fkey',
    });
    expect(await findOrderById(em(), ghost.id)).toBeNull();
  });
});

describe('reading orders', () => {
  it('finds any order by id, whoever owns it (who may see it is core’s to decide), and null for a missing one', async () => {
    const owner = await insertTestUser(db.orm);
    const placed = await placeTestOrder(em(), owner, [{ sku: 'ORD-A', quantity: 1 }]);
    expect(await findOrderById(em(), placed.id)).toMatchObject({ id: placed.id, userId: owner });
    expect(await findOrderById(em(), randomUUID())).toBeNull();
    expect(await findOrderHeader(em(), randomUUID())).toBeNull();
  });

  it('gives a whole order, its lines in line order, in one statement', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-B', quantity: 2 },
      { sku: 'ORD-A', quantity: 3 },
    ]);
    expect(await findWholeOrder(em(), placed.id)).toEqual(placed);
    expect(await findWholeOrder(em(), randomUUID())).toBeNull();
  });
});

describe('lockOrderWithPayment', () => {
  it('gives the order with its lines, and its payment as a reference once it has one', async () => {
    const user = await insertTestUser(db.orm);
    const placed = await placeTestOrder(em(), user, [
      { sku: 'ORD-B', quantity: 1 },
      { sku: 'ORD-A', quantity: 2 },
    ]);
    const lock = () =>
      em().transaction(async (tx) => ok(await lockOrderWithPayment(tx, placed.id)));
    expect(await lock()).toEqual(ok({ order: placed, payment: null }));
    const payment = await startTestPayment(em(), placed);
    expect(await lock()).toEqual(
      ok({ order: placed, payment: { id: payment.id, status: 'PROCESSING' } }),
    );
  });

  it('gives null for an order that does not exist', async () => {
    const missing = await em().transaction(async (tx) =>
      ok(await lockOrderWithPayment(tx, randomUUID())),
    );
    expect(missing).toEqual(ok(null));
  });

  it.runIf(onServer)('holds the order’s row until the transaction ends', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-A', quantity: 1 },
    ]);
    const outcome = await em().transaction(async (tx) => {
      await lockOrderWithPayment(tx, placed.id);
      const other = await em()
        .transaction(async (second) => {
          await second.execute("set local lock_timeout = '100ms'");
          return ok(await lockOrderForPayment(second, placed.id));
        })
        .catch((reason: unknown) => classifyDbError(reason));
      return ok(other);
    });
    expect(outcome).toEqual(ok({ kind: 'transient', reason: 'lock-timeout' }));
  });
});

describe('lockOrderForPayment', () => {
  it('gives the whole order and its stock lines in line order', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-B', quantity: 4 },
      { sku: 'ORD-A', quantity: 1 },
    ]);
    const locked = await em().transaction(async (tx) =>
      ok(await lockOrderForPayment(tx, placed.id)),
    );
    const { lines } = placed;
    expect(locked).toEqual(
      ok({
        order: placed,
        lines: lines.map(({ productId, sku, quantity }) => ({ productId, sku, quantity })),
      }),
    );
    expect(
      await em().transaction(async (tx) => ok(await lockOrderForPayment(tx, randomUUID()))),
    ).toEqual(ok(null));
  });
});

describe('orderTransitionStatement', () => {
  it('moves an order only from the status it is in, with an event; from any other it throws, classified an assertion', async () => {
    const placed = await placeTestOrder(em(), await insertTestUser(db.orm), [
      { sku: 'ORD-A', quantity: 1 },
    ]);
    const at = new Date();
    const planned = planOrderTransition(placed, 'CONFIRMED', { reason: 'paid', actor: 'system' });
    if (!planned.ok) throw new Error(planned.error.code);
    // The stock goes with the status, as the payment code sends it.
    const commit = planStockMoves('COMMIT', placed.lines, 'order confirmed');
    const confirm = () =>
      em().transaction((tx) =>
        tx.commitWith([
          orderTransitionStatement(planned.value.transition, at),
          ...stockMoveStatements(commit, { orderId: placed.id, actor: 'system', at }),
        ]),
      );
    expect(await confirm()).toEqual(ok(undefined));
    const stock = await stockOf(em(), 'ORD-A');

    // Not PENDING any more: the move fails its statement (a bug, not a refusal), and the
    // transaction with it.
    const error = await failureOf(confirm());
    expect(classifyDbError(error)).toEqual({ kind: 'assertion' });
    expect((await findOrderById(em(), placed.id))?.status).toBe('CONFIRMED');
    expect(await stockOf(em(), 'ORD-A')).toEqual(stock);
    const events = await em().execute(
      'select from_status, to_status, reason, actor from order_events where order_id = ? order by id',
      [placed.id],
    );
    expect(events).toEqual([
      { from_status: null, to_status: 'PENDING', reason: 'created', actor: expect.any(String) },
      { from_status: 'PENDING', to_status: 'CONFIRMED', reason: 'paid', actor: 'system' },
    ]);
  });

  it('throws, classified an assertion, for an order that does not exist', async () => {
    const transition = {
      orderId: asOrderId(randomUUID()),
      from: 'PENDING' as const,
      to: 'CANCELLED' as const,
      reason: 'r',
      actor: 'a',
    };
    const error = await failureOf(
      em().transaction((tx) => tx.commitWith([orderTransitionStatement(transition, new Date())])),
    );
    expect(classifyDbError(error)).toEqual({ kind: 'assertion' });
  });
});

describe('listOrdersForUser', () => {
  it('pages through a user’s orders newest first, without gaps or repeats', async () => {
    const user = await insertTestUser(db.orm);
    const base = Date.parse('2026-03-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      // Two orders share each instant, so the id breaks ties.
      const now = new Date(base + Math.floor(i / 2) * 1000);
      ids.push((await placeTestOrder(em(), user, [{ sku: 'ORD-A', quantity: 1 }], { now })).id);
    }
    await placeTestOrder(em(), await insertTestUser(db.orm), [{ sku: 'ORD-A', quantity: 1 }]);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listOrdersForUser(em(), user, { cursor, limit: 3 });
      seen.push(...result.items.map((o) => o.id));
      if (result.nextCursor === null) break;
      expect(isOrderCursor(result.nextCursor)).toBe(true);
      cursor = result.nextCursor;
    }
    const expected = await em().execute<{ id: string }[]>(
      'select id from orders where user_id = ? order by created_at desc, id desc',
      [user],
    );
    expect(seen).toEqual(expected.map((r) => r.id));
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('filters by status and says when there is no next page', async () => {
    const user = await insertTestUser(db.orm);
    await placeTestOrder(em(), user, [{ sku: 'ORD-A', quantity: 1 }]);
    expect(await listOrdersForUser(em(), user, { status: 'CONFIRMED', limit: 10 })).toEqual({
      items: [],
      nextCursor: null,
    });
    const pending = await listOrdersForUser(em(), user, { status: 'PENDING', limit: 10 });
    expect(pending.items).toHaveLength(1);
    expect(pending.nextCursor).toBeNull();
  });

  it('refuses cursors it did not issue', async () => {
    for (const bad of [
      '',
      'abc',
      'W10',
      Buffer.from('[1,"x"]').toString('base64url'),
      '!!!',
      'a'.repeat(300),
    ]) {
      expect(isOrderCursor(bad)).toBe(false);
    }
    await expect(
      listOrdersForUser(em(), randomUUID(), { cursor: 'nope', limit: 1 }),
    ).rejects.toThrow(TypeError);
  });
});
