import type { Sql } from '../database.js';

/**
 * Candidates for the expiry sweep: ids of PENDING orders past their expiry with no payment,
 * oldest expiry first, their rows locked with SKIP LOCKED — call it inside a transaction, and
 * instances sweeping at the same time each get different orders. Only a selection: core's
 * `decideExpiry` decides on each order as locked (an order whose payment arrived meanwhile, or
 * that the customer cancelled, is left alone). Orders with a payment are not even selected: the
 * payment engine settles them itself, and reselecting them every round would crowd out the rest.
 */
export async function findExpiredPendingOrders(
  db: Sql,
  now: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db.execute<{ id: string }[]>(
    `select o.id from orders o
      where o.status = 'PENDING' and o.expires_at <= ?
        and not exists (select 1 from payments p where p.order_id = o.id)
      order by o.expires_at
      limit ?
      for update of o skip locked`,
    [now, limit],
  );
  return rows.map((row) => row.id);
}
