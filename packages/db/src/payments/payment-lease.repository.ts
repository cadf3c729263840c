import type { Sql } from '../database.js';

/**
 * Leases: one process drives a payment at a time. A driver holds `lease_owner`/`lease_until` and
 * renews it per attempt; when a driver dies, its lease runs out and any instance's worker may
 * claim the payment. Claims use `for update skip locked`, so instances never wait on each other
 * and never claim the same payment twice.
 */

/**
 * The tables whose rows are driven under a lease (payments and refunds, by the one engine), with
 * the states in which a row is still open — claimable by a worker, released at shutdown.
 */
const LEASED = {
  payments: `('INITIATED', 'PROCESSING', 'RETRY')`,
  refunds: `('PENDING', 'PROCESSING', 'RETRY')`,
} as const;
type LeasedTable = keyof typeof LEASED;

interface Claim {
  readonly owner: string;
  readonly now: Date;
  readonly leaseUntil: Date;
  readonly limit: number;
}

/** Claims up to `limit` rows of `table` that are due and whose lease is free or expired. */
async function claimDue(db: Sql, table: LeasedTable, input: Claim): Promise<string[]> {
  const rows = await db.execute<{ id: string }[]>(
    `update ${table} set lease_owner = ?, lease_until = ?
     where id in (
       select id from ${table}
       where status in ${LEASED[table]}
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

/** Gives up this owner's open leases of `table` at once (clean shutdown). */
async function releaseAll(db: Sql, table: LeasedTable, owner: string): Promise<number> {
  const result = await db.execute<{ affectedRows: number }>(
    `update ${table} set lease_until = null, lease_owner = null
     where lease_owner = ? and status in ${LEASED[table]}`,
    [owner],
    'run',
  );
  return result.affectedRows;
}

/** Claims up to `limit` payments that are due and whose lease is free or expired. */
export function claimDuePayments(db: Sql, input: Claim): Promise<string[]> {
  return claimDue(db, 'payments', input);
}

/** Claims up to `limit` refunds that are due and whose lease is free or expired. */
export function claimDueRefunds(db: Sql, input: Claim): Promise<string[]> {
  return claimDue(db, 'refunds', input);
}

/** Gives up this owner's leases at once (clean shutdown), so another instance can continue. */
export function releaseLeases(db: Sql, owner: string): Promise<number> {
  return releaseAll(db, 'payments', owner);
}

/** Gives up this owner's refund leases at once (clean shutdown). */
export function releaseRefundLeases(db: Sql, owner: string): Promise<number> {
  return releaseAll(db, 'refunds', owner);
}
