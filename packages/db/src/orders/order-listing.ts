import type { Order, OrderStatus } from '@orders/core';
import type { Sql } from '../database.js';
import { mapOrderRows } from './order.mapper.js';

/** A page of a user's orders, newest first; `nextCursor` is null on the last page. */
export interface OrderPage {
  readonly items: readonly Order[];
  readonly nextCursor: string | null;
}

/** Where a page ends: the keyset (created_at, id) of its last order. */
interface OrderCursor {
  readonly createdAt: number;
  readonly id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A user's orders, newest first, optionally of one status. Keyset pagination on (created_at desc,
 * id desc) — served by the `orders_user_created` index, stable while orders are added, and
 * without OFFSET's cost. The cursor is opaque to clients; validate it with `isOrderCursor`.
 */
export async function listOrdersForUser(
  db: Sql,
  userId: string,
  options: { status?: OrderStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<OrderPage> {
  const after = options.cursor === undefined ? null : decodeOrderCursor(options.cursor);
  if (options.cursor !== undefined && after === null) throw new TypeError('invalid order cursor');
  const conditions = ['user_id = ?'];
  const params: unknown[] = [userId];
  if (options.status !== undefined) {
    conditions.push('status = ?');
    params.push(options.status);
  }
  if (after !== null) {
    conditions.push('(created_at, id) < (cast(? as timestamptz), cast(? as uuid))');
    params.push(new Date(after.createdAt), after.id);
  }
  // One row more than asked tells whether another page follows.
  const rows = await db.execute(
    `select * from orders where ${conditions.join(' and ')}
      order by created_at desc, id desc limit ?`,
    [...params, options.limit + 1],
  );
  const orders = await mapOrderRows(db, rows.slice(0, options.limit));
  const last = orders.at(-1);
  const more = rows.length > options.limit && last !== undefined;
  return {
    items: orders,
    nextCursor: more ? encodeOrderCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** True for a cursor this module issued (clients must not be able to cause a 500 with one). */
export function isOrderCursor(cursor: string): boolean {
  return decodeOrderCursor(cursor) !== null;
}

// Orders are inserted with JavaScript Dates, so created_at has millisecond precision and an
// epoch-ms cursor is exact.
function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeOrderCursor(cursor: string): OrderCursor | null {
  if (cursor.length > 200 || !/^[\w-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const fields: readonly unknown[] = parsed;
  const [createdAt, id] = fields;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0)
    return null;
  if (typeof id !== 'string' || !UUID.test(id)) return null;
  return { createdAt, id };
}
