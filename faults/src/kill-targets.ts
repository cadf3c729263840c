import pg from 'pg';
import { query } from './cluster.js';
import type { History, KillMoment } from './history.js';
import { sleep } from './load.js';
import type { Fleet, ServerInstance } from './servers.js';

/**
 * A moment the database can show a payment or refund in, worth a kill -9 of the instance driving
 * it (`refund-approval`: `refund-kill-target.ts`).
 */
export type AimedMoment = Exclude<KillMoment, 'random'>;
type PaymentMoment = Exclude<AimedMoment, 'refund-approval'>;

/** A payment (or refund) seen at an aimed moment, and the instance that drives it. */
export interface KillTarget {
  readonly moment: AimedMoment;
  /** The payment's id; the refund's, for `refund-approval`. */
  readonly id: string;
  /** Attempts recorded when it was seen: the kill is aimed before attempt `attempts + 1`. */
  readonly attempts: number;
  /** Its lease when seen (epoch ms): only another driver records an attempt after it runs out. */
  readonly leaseUntil: number;
  /** When its next attempt was due (RETRY), epoch ms. */
  readonly nextAttemptAt: number | null;
  readonly instance: ServerInstance;
}

/** A kill -9 aimed at a target, and when it was sent. */
export interface AimedKill extends KillTarget {
  readonly killedAt: number;
}

/** A target, held where it is until `release` (call it once the kill is sent). */
export interface HeldTarget {
  readonly target: KillTarget;
  release(): Promise<void>;
}

/** How long an aimed kill looks for its moment before it settles for a random one. */
export const AIM_WINDOW_MS = 3_000;
export const POLL_MS = 5;
/** A RETRY payment must have this long left before its next attempt, for the kill to land first. */
const MIN_WAIT_LEFT_MS = 25;
/** How long a driver gets to reach the held lock (after its next attempt is due, in RETRY). */
const BLOCK_WAIT_MS = 300;

interface Candidate {
  id: string;
  orderId: string;
  status: 'PROCESSING' | 'RETRY';
  token: string;
  key: string;
  attempts: number;
  createdAt: number;
  leaseUntil: number;
  nextAttemptAt: number | null;
}

const CANDIDATES_SQL = `
  select p.id, p.order_id as "orderId", p.status, p.gateway_token as token, k.key,
         (select count(*) from payment_attempts a where a.payment_id = p.id)::int as attempts,
         extract(epoch from p.created_at)::float8 * 1000 as "createdAt",
         extract(epoch from p.lease_until)::float8 * 1000 as "leaseUntil",
         extract(epoch from p.next_attempt_at)::float8 * 1000 as "nextAttemptAt"
    from payments p
    join lateral (select key from idempotency_keys
                   where user_id = p.user_id and scope = 'payments.pay' and resource_id = p.id) k
      on true
   where p.status in ('PROCESSING', 'RETRY')`;

/**
 * Polls the database for a payment at `moment` and its driver; undefined when none shows up
 * within a few seconds (or before the load ends).
 *
 * `between-attempts`: a RETRY payment, its driver asleep until the next attempt is due.
 *
 * `after-approval`: a payment whose next attempt the card table approves (an approving card's
 * first, PROCESSING; the flaky card's third, PROCESSING or RETRY). The gateway is a synchronous
 * in-process call, so the approval exists only in the driver's memory for the few milliseconds
 * it takes to record it. To land a kill there, the nemesis holds the order's row lock (as a slow
 * database would hold the driver up), waits until the driver blocks on it while recording the
 * approval, and returns the target still held: `release` once the kill is sent.
 */
export async function findTarget(input: {
  databaseUrl: string;
  moment: PaymentMoment;
  fleet: Fleet;
  history: History;
  /** The end of the load: no payments show up after it. */
  until: number;
}): Promise<HeldTarget | undefined> {
  const { moment, fleet, history } = input;
  // One session watches; the other holds an order's row lock in a transaction left open.
  const [watcher, holder] = [0, 1].map(
    () => new pg.Client({ connectionString: input.databaseUrl }),
  );
  if (watcher === undefined || holder === undefined) throw new Error('two clients were made');
  await Promise.all([watcher.connect(), holder.connect()]);
  const close = () => Promise.all([watcher.end(), holder.end()]).then(() => undefined);
  try {
    const {
      rows: [holderPid],
    } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
    const deadline = Math.min(Date.now() + AIM_WINDOW_MS, input.until);
    while (Date.now() < deadline) {
      const { rows } = await watcher.query<Candidate>(CANDIDATES_SQL);
      for (const candidate of rows.filter((c) => isAt(moment, c))) {
        const instance = driverOf(candidate, fleet, history);
        if (instance === undefined) continue;
        const { id, attempts, leaseUntil, nextAttemptAt } = candidate;
        const target = { moment, id, attempts, leaseUntil, nextAttemptAt, instance };
        if (moment === 'between-attempts') return { target, release: close };
        if (
          await holdUntilDriverBlocks({ watcher, holder, holderPid: holderPid?.pid }, candidate)
        ) {
          return { target, release: () => holder.query('rollback').then(close, close) };
        }
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    await close();
    throw error;
  }
  await close();
  return undefined;
}

/**
 * Locks the payment's order row in a transaction left open, and waits until the payment's driver
 * blocks on it: recording an approval confirms the order, in the transaction that inserts the
 * attempt, so the driver is then past the gateway call with its approval not yet committed. Rolls
 * back and answers false when the order is locked already (being confirmed, or paid again with
 * the key) or the driver does not come by in time.
 */
async function holdUntilDriverBlocks(
  { watcher, holder, holderPid }: { watcher: pg.Client; holder: pg.Client; holderPid?: number },
  target: Candidate,
): Promise<boolean> {
  await holder.query('begin');
  const held = await holder.query(
    `select 1 from orders where id = $1 and status = 'PENDING' for update skip locked`,
    [target.orderId],
  );
  const deadline = Math.max(Date.now(), target.nextAttemptAt ?? 0) + BLOCK_WAIT_MS;
  while (held.rowCount === 1 && Date.now() < deadline) {
    // From the watcher: inside a transaction, pg_stat_activity keeps showing its first snapshot.
    // A retry of the payment's request would block on the lock too, but to lock, not update.
    const { rows } = await watcher.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where $1 = any(pg_blocking_pids(pid)) and query ilike '%update orders%'`,
      [holderPid],
    );
    if ((rows[0]?.n ?? 0) > 0) return true;
    await sleep(1);
  }
  await holder.query('rollback');
  return false;
}

function isAt(moment: PaymentMoment, c: Candidate): boolean {
  const now = Date.now();
  if (c.leaseUntil <= now) return false; // up for a re-drive already
  switch (moment) {
    case 'between-attempts':
      return c.status === 'RETRY' && (c.nextAttemptAt ?? 0) - now >= MIN_WAIT_LEFT_MS;
    case 'after-approval':
      return (
        (c.token === 'APPROVE' && c.attempts === 0 && c.status === 'PROCESSING') ||
        (c.token === 'TIMEOUT_TWICE' && c.attempts === 2)
      );
  }
}

/**
 * The instance whose engine holds the lease of a payment (or refund) made by the calls with
 * `key`. The harness cannot read lease owners' instances, so it takes the instance that created
 * it: every call with its key went to that one instance, whose current process already ran when
 * it was created (and the lease has not run out, so no worker has taken it over).
 */
export function driverOf(
  c: { readonly key: string; readonly createdAt: number },
  fleet: Fleet,
  history: History,
): ServerInstance | undefined {
  const sentTo = new Set(history.instancesSentTo(c.key));
  const [index] = sentTo;
  if (sentTo.size !== 1 || index === undefined) return undefined;
  const instance = fleet.instances[index];
  const startedAt = instance?.startedAt;
  return startedAt !== undefined && startedAt < c.createdAt ? instance : undefined;
}

/**
 * Whether an aimed kill landed at its moment, as the settled database shows it: the attempt it
 * was aimed before was recorded only after the lease seen at the kill ran out — by a re-drive,
 * since a live driver records its attempt within its lease — and (between attempts) the kill came
 * before that attempt was due, while the driver slept; (after an approval) that attempt is the
 * approval.
 */
export async function landed(
  databaseUrl: string,
  kill: AimedKill & { readonly moment: PaymentMoment },
): Promise<boolean> {
  const [attempt] = await query<{ outcome: string; at: number }>(
    databaseUrl,
    `select outcome, extract(epoch from at)::float8 * 1000 as at
       from payment_attempts where payment_id = $1 and attempt_no = $2`,
    [kill.id, kill.attempts + 1],
  );
  if (attempt === undefined || attempt.at < kill.leaseUntil) return false;
  switch (kill.moment) {
    case 'between-attempts':
      return kill.nextAttemptAt !== null && kill.killedAt < kill.nextAttemptAt;
    case 'after-approval':
      return attempt.outcome === 'APPROVED';
  }
}
