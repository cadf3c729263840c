import pg from 'pg';
import { query } from './cluster.js';
import type { History } from './history.js';
import {
  AIM_WINDOW_MS,
  driverOf,
  POLL_MS,
  type AimedKill,
  type HeldTarget,
} from './kill-targets.js';
import { sleep } from './load.js';
import type { Fleet } from './servers.js';

/** The lease a blocked driver must still hold when found, for the kill to reach it first. */
const MIN_LEASE_LEFT_MS = 100;

interface BlockedRefund {
  /** The waiting backend: the driver's session. */
  pid: number;
  id: string;
  key: string;
  createdAt: number;
  leaseUntil: number;
}

/**
 * A refund whose approval its driver is recording — its first attempt PROCESSING, the refund row
 * locked by a transaction waiting on a lock — and that restocks `productId`. The refund row's
 * `xmax` is the locking transaction's id, which pg_stat_activity shows as the waiting backend's.
 */
const BLOCKED_SQL = `
  select a.pid, r.id, k.key,
         extract(epoch from r.created_at)::float8 * 1000 as "createdAt",
         extract(epoch from r.lease_until)::float8 * 1000 as "leaseUntil"
    from pg_stat_activity a
    join refunds r on r.xmax = a.backend_xid
    join idempotency_keys k on k.scope = 'refunds.create' and k.resource_id = r.id
   where a.wait_event_type = 'Lock' and r.status = 'PROCESSING'
     and r.restock @> jsonb_build_array(jsonb_build_object('productId', $1::text))
     and not exists (select 1 from refund_attempts t where t.refund_id = r.id)`;

/**
 * Locks the product the latest refunds restocked most (any product before the first restock):
 * the refunds of the next few seconds are likely to restock it too.
 */
const HOLD_SQL = `
  select id from products
   order by (select count(*) from (select restock from refunds order by created_at desc limit 50) r
               cross join jsonb_array_elements(r.restock) x
              where x->>'productId' = products.id::text) desc, random()
   limit 1 for update`;

/**
 * `refund-approval`: the gateway call is synchronous and in-process, so a refund's approval lives
 * only in its driver's memory for the few milliseconds it takes to record it. Recording a refund
 * that restocks puts its units back, in the transaction that inserts the APPROVED attempt — the
 * only write of a refund's life to a product row (creating it holds the restock on the order's
 * line). So the nemesis locks the row of a product refunds restock (`HOLD_SQL`) in a transaction
 * left open, as a slow database would, and waits until the driver of a refund restocking that product blocks on it
 * (the product's orders wait meanwhile), then answers the refund still held: `release` once the
 * kill is sent. Undefined when none comes by within a few seconds (or before the load ends).
 *
 * The driver sends a refund's writes and its COMMIT in one round trip, so a killed driver's
 * session, once the lock is let go, would still run that COMMIT from its input buffer: the
 * transaction outlives its client (harmless, but then nothing is left to re-drive). A database
 * that checks for dead clients (`client_connection_check_interval`) ends such a session while it
 * waits; `release` does the same (pg_terminate_backend) before letting go.
 */
export async function findRefundTarget(input: {
  databaseUrl: string;
  fleet: Fleet;
  history: History;
  until: number;
}): Promise<HeldTarget | undefined> {
  const [watcher, holder] = [0, 1].map(
    () => new pg.Client({ connectionString: input.databaseUrl }),
  );
  if (watcher === undefined || holder === undefined) throw new Error('two clients were made');
  await Promise.all([watcher.connect(), holder.connect()]);
  const close = () => Promise.all([watcher.end(), holder.end()]).then(() => undefined);
  const letGo = () => holder.query('rollback').then(close, close);
  try {
    await holder.query('begin');
    const {
      rows: [held],
    } = await holder.query<{ id: string }>(HOLD_SQL);
    const deadline = Math.min(Date.now() + AIM_WINDOW_MS, input.until);
    while (held !== undefined && Date.now() < deadline) {
      const { rows } = await watcher.query<BlockedRefund>(BLOCKED_SQL, [held.id]);
      for (const refund of rows) {
        const instance = driverOf(refund, input.fleet, input.history);
        if (instance === undefined || refund.leaseUntil < Date.now() + MIN_LEASE_LEFT_MS) continue;
        const { id, leaseUntil } = refund;
        const target = {
          moment: 'refund-approval' as const,
          id,
          attempts: 0,
          leaseUntil,
          nextAttemptAt: null,
          instance,
        };
        const release = async () => {
          await watcher.query('select pg_terminate_backend($1)', [refund.pid]);
          await letGo();
        };
        return { target, release };
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    await letGo();
    throw error;
  }
  await letGo();
  return undefined;
}

/**
 * Whether a kill aimed at a refund's approval landed: the settled database shows its first
 * attempt APPROVED, recorded after the lease seen at the kill ran out — by another instance's
 * re-drive — and the refund SUCCEEDED.
 */
export async function refundKillLanded(databaseUrl: string, kill: AimedKill): Promise<boolean> {
  const [attempt] = await query<{ outcome: string; at: number; status: string }>(
    databaseUrl,
    `select a.outcome, extract(epoch from a.at)::float8 * 1000 as at, r.status
       from refund_attempts a join refunds r on r.id = a.refund_id
      where a.refund_id = $1 and a.attempt_no = 1`,
    [kill.id],
  );
  return (
    attempt !== undefined &&
    attempt.at >= kill.leaseUntil &&
    attempt.outcome === 'APPROVED' &&
    attempt.status === 'SUCCEEDED'
  );
}
