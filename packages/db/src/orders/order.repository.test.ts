import { randomUUID } from 'node:crypto';
import { isAssertionFailure } from '../db-errors.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStockDrift } from '../inventory/stock-audit.js';
import { insertTestProducts, insertTestUser, placeTestOrder } from '../testing/order-fixtures.js';
import { createMigratedTestDatabase } from '../testing/test-db.js';
import { isOrderCursor, listOrdersForUser } from './order-listing.js';
import {
  findOrderById,
  findOrderForUser,
  lockOrder,
  transitionOrderStatus,
} from './order.repository.js';

type Db = Awaited<ReturnType<typeof createMigratedTestDatabase>>;
let db: Db;
beforeAll(async () => {
  db = await createMigratedTestDatabase();
  await insertTestProducts(db.orm, [
    { sku: 'ORD-A', onHand: 1000, priceCents: 250 },
    { sku: 'ORD-B', onHand: 1000, priceCents: 1000 },
  ]);
});
afterAll(async () => {
  expect(await findStockDrift(db.database)).toEqual([]);
  await db.dispose();
});

const em = () => db.database;

describe('the order repository', () => {
  it('stores an order with its priced lines and reads it back as core placed it', async () => {
    const user = await insertTestUser(db.orm);
    const placed = await placeTestOrder(db.orm, user, [
      { sku: 'ORD-B', quantity: 2 },
      { sku: 'ORD-A', quantity: 3 },
    ]);
    const found = await findOrderById(em(), placed.id);
    expect(found).toEqual(placed);
    expect(found?.total).toEqual({ amountCents: 2750, currency: 'USD' });
    expect(found?.lines.map((l) => l.sku)).toEqual(['ORD-B', 'ORD-A']);
    const events = await em().execute(
      'select from_status, to_status, reason, actor from order_events where order_id = ?',
      [placed.id],
    );
    expect(events).toEqual([
      { from_status: null, to_status: 'PENDING', reason: 'created', actor: `user:${user}` },
    ]);
  });

  it('finds an order for its owner only: another user gets null, as for a missing order', async () => {
    const owner = await insertTestUser(db.orm);
    const other = await insertTestUser(db.orm);
    const placed = await placeTestOrder(db.orm, owner, [{ sku: 'ORD-A', quantity: 1 }]);
    expect((await findOrderForUser(em(), placed.id, owner))?.id).toBe(placed.id);
    expect(await findOrderForUser(em(), placed.id, other)).toBeNull();
    expect(await findOrderForUser(em(), randomUUID(), other)).toBeNull();
    expect(await lockOrder(em(), randomUUID())).toBeNull();
  });

  it('moves an order only from the status it is in, with an event', async () => {
    const placed = await placeTestOrder(db.orm, await insertTestUser(db.orm), [
      { sku: 'ORD-A', quantity: 1 },
    ]);
    const at = new Date();
    const move = () =>
      em().transaction(async (tx) => {
        await transitionOrderStatus(tx, {
          orderId: placed.id,
          from: 'PENDING',
          to: 'CONFIRMED',
          reason: 'paid',
          actor: 'system',
          at,
        });
        // Keep the stock consistent with the status, as the payment code does.
        await tx.execute(
          'update products set on_hand = on_hand - 1, reserved = reserved - 1 where sku = ?',
          ['ORD-A'],
        );
        await tx.execute(
          `insert into stock_movements (product_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor, at) select id, 'COMMIT', -1, -1, ?, 'paid', 'system', now() from products where sku = 'ORD-A'`,
          [placed.id],
        );
      });
    await move();
    // Not PENDING any more: the move fails its statement, and the transaction with it.
    await expect(move()).rejects.toSatisfy(isAssertionFailure);
    expect((await findOrderById(em(), placed.id))?.status).toBe('CONFIRMED');
    const events = await em().execute(
      'select from_status, to_status from order_events where order_id = ? order by id',
      [placed.id],
    );
    expect(events).toEqual([
      { from_status: null, to_status: 'PENDING' },
      { from_status: 'PENDING', to_status: 'CONFIRMED' },
    ]);
  });

  it('throws on a move the state machine does not allow', async () => {
    await expect(
      transitionOrderStatus(em(), {
        orderId: randomUUID(),
        from: 'CANCELLED',
        to: 'PENDING',
        reason: 'r',
        actor: 'a',
        at: new Date(),
      }),
    ).rejects.toThrow(/illegal order transition CANCELLED → PENDING/);
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
      ids.push((await placeTestOrder(db.orm, user, [{ sku: 'ORD-A', quantity: 1 }], { now })).id);
    }
    await placeTestOrder(db.orm, await insertTestUser(db.orm), [{ sku: 'ORD-A', quantity: 1 }]);

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
    await placeTestOrder(db.orm, user, [{ sku: 'ORD-A', quantity: 1 }]);
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
