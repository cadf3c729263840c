import type { Sql } from '../database.js';

/**
 * Leases: one process drives a payment at a time. A driver holds `lease_owner`/`lease_until` and
 * renews it per attempt; when a driver dies, its lease runs out and any instance's worker may
 * claim the payment. Claims use `for update skip locked`, so instances never wait on each other
 * and never claim the same payment twice.
 */

/** Claims up to `limit` payments that are due and whose lease is free or expired. */
export async function claimDuePayments(
  db: Sql,
  input: { owner: string; now: Date; leaseUntil: Date; limit: number },
): Promise<string[]> {
  const rows = await db.execute<{ id: string }[]>(
    `update payments set lease_owner = ?, lease_until = ?
     where id in (
       select id from payments
       where status in ('INITIATED', 'PROCESSING', 'RETRY')
         and (lease_until is null or lease_until < ?)
         and (status <> 'RETRY' or next_attempt_at <= ?)
       order by coalesce(next_attempt_at, lease_until)
       limit ?
       for update skip locked)
     returning id`,
    [input.owner, input.leaseUntil, input.now, input.now, input.limit],
  );
  return rows.map((r) => r.id);
}

/** Gives up this owner's leases at once (clean shutdown), so another instance can continue. */
export async function releaseLeases(db: Sql, owner: string): Promise<number> {
  const result = await db.execute<{ affectedRows: number }>(
    `update payments set lease_until = null, lease_owner = null
     where lease_owner = ? and status in ('INITIATED', 'PROCESSING', 'RETRY')`,
    [owner],
    'run',
  );
  return result.affectedRows;
}
