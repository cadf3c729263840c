import type { NodeName } from './auto-failover.js';
import type { FailoverDatabase } from './failover-world.js';
import type { FailoverFault, History } from './history.js';
import { sleep } from './load.js';
import type { Nemesis } from './nemesis.js';
import { readyStatus, type ServerInstance } from './servers.js';

/** How long the standby stays stopped (the primary serves alone, in wait_primary, meanwhile). */
const STANDBY_DOWN_MS = 3_000;
/** How long an instance may take to report ready once the pair is back. */
const READY_WITHIN_MS = 15_000;
/** How far past the pair's recovery a checkout outage is looked for. */
const PAUSE_WINDOW_MS = 10_000;

const PAIR_INVARIANT =
  'after each failover fault the monitor shows a primary and a secondary again, in the roles the fault leads to';
const READY_INVARIANT =
  'after each failover fault every instance answers /readyz 200 again, without a restart';
const CHECKOUT_COVERAGE = 'after each failover fault a checkout was paid SUCCESS again';

/** One fault of the run and how the system came back from it. */
export interface FailoverRecovery {
  readonly fault: FailoverFault;
  readonly primaryBefore: NodeName;
  readonly primaryAfter: NodeName;
  /**
   * From the fault to the monitor's last event before the pair held again (0: it recorded none,
   * as when a postmaster is restarted in place between two health checks).
   */
  readonly pairAgainMs: number;
  /**
   * The checkouts' outage: the longest stretch from the fault on (within its recovery, plus
   * {@link PAUSE_WINDOW_MS}) in which no `pay` was answered SUCCESS, and when it ended — the first
   * checkout paid after the outage, counted from the fault. (The first SUCCESS answered after the
   * fault alone would say little: a fault takes a moment to land, and calls in flight finish.)
   */
  checkouts?: { readonly pausedMs: number; readonly firstAfterMs: number };
  /** When the fault began, in the history's time. */
  readonly at: number;
}

/**
 * The failover scenario's nemesis: each fault in turn, spread over the load, each waited out
 * (a primary and a secondary again, every instance ready) before the next. `recoveries` holds
 * what each took; the time to the first successful checkout is filled in once payments settle.
 */
export function failoverFaults(db: FailoverDatabase, faults: readonly FailoverFault[]) {
  const recoveries: FailoverRecovery[] = [];
  const nemesis: Nemesis = async ({ fleet, history, until }) => {
    const violations: string[] = [];
    const slice = (until - Date.now()) / faults.length;
    const first = Date.now();
    for (const [n, fault] of faults.entries()) {
      const before = await db.follow();
      // A third of the way into its slice: the load is running and has time to come back.
      await sleep(first + slice * (n + 1 / 3) - Date.now());
      const startedAt = new Map(fleet.instances.map((i) => [i.index, i.startedAt]));
      const at = history.now();
      const started = Date.now();
      await inject(db, history, fault, before);
      const after = await db.follow(started);
      const pairAgainMs = after.since - started;
      history.recovered('pair-again', `${after.primary} primary, ${after.secondary} secondary`);
      const wanted = rolesAfter(fault, before.primary, before.secondary);
      if (!wanted.includes(after.primary)) {
        const events = await db.pair.events(20);
        violations.push(
          `${PAIR_INVARIANT}: after ${fault} ${after.primary} is primary, not ${wanted.join(' or ')} (the monitor's last events: ${events.join(' | ')})`,
        );
      }
      violations.push(...(await notReady(fleet.instances, startedAt, fault)));
      recoveries.push({
        fault,
        primaryBefore: before.primary,
        primaryAfter: after.primary,
        pairAgainMs,
        at,
      });
    }
    return {
      invariants: [PAIR_INVARIANT, READY_INVARIANT],
      violations,
      afterSettling() {
        const shortfalls: string[] = [];
        for (const recovery of recoveries) {
          recovery.checkouts = checkoutOutage(
            history,
            recovery.at,
            recovery.at + recovery.pairAgainMs + PAUSE_WINDOW_MS,
          );
          if (recovery.checkouts === undefined) {
            shortfalls.push(`${CHECKOUT_COVERAGE}: none after ${recovery.fault}`);
          }
        }
        return Promise.resolve({ coverage: [CHECKOUT_COVERAGE], shortfalls });
      },
    };
  };
  return { nemesis, recoveries };
}

/**
 * Which node may be primary after `fault`. A postmaster killed alone is restarted in place by
 * its keeper, but if the keeper reports Postgres not running to the monitor first (crash
 * recovery under load outlasts a keeper round), the monitor counts the node unhealthy at once
 * and fails over: either outcome is pg_auto_failover's documented behaviour.
 */
function rolesAfter(fault: FailoverFault, primary: NodeName, secondary: NodeName): NodeName[] {
  switch (fault) {
    case 'planned-failover':
    case 'primary-node-lost':
      return [secondary];
    case 'primary-postmaster-killed':
      return [primary, secondary];
    case 'standby-stopped':
      return [primary];
  }
}

async function inject(
  db: FailoverDatabase,
  history: History,
  fault: FailoverFault,
  before: { primary: NodeName; secondary: NodeName },
): Promise<void> {
  const { pair } = db;
  switch (fault) {
    case 'planned-failover':
      history.fault(fault, `pg_autoctl perform failover (${before.primary} primary)`);
      await pair.performFailover();
      return;
    case 'primary-node-lost':
      history.fault(fault, `kill -9 of ${before.primary}'s keeper and postmaster`);
      await pair.killNode(before.primary);
      await pair.waitForState({ [before.secondary]: ['wait_primary', 'primary'] });
      await pair.restartNode(before.primary);
      history.recovered('node-run-again', `${before.primary} (pg_autoctl run)`);
      return;
    case 'primary-postmaster-killed':
      history.fault(fault, `kill -9 of ${before.primary}'s postmaster (its keeper restarts it)`);
      await pair.killPostmaster(before.primary);
      return;
    case 'standby-stopped':
      history.fault(fault, `pg_autoctl stop of ${before.secondary}`);
      await pair.stopNode(before.secondary);
      await pair.waitForState({ [before.primary]: 'wait_primary' });
      await sleep(STANDBY_DOWN_MS);
      await pair.startNode(before.secondary);
      history.recovered('node-run-again', `${before.secondary} (pg_autoctl run)`);
      return;
  }
}

/** The instances not ready again within READY_WITHIN_MS, or restarted since the fault. */
async function notReady(
  instances: readonly ServerInstance[],
  startedAt: ReadonlyMap<number, number | undefined>,
  fault: FailoverFault,
) {
  const deadline = Date.now() + READY_WITHIN_MS;
  const late = await Promise.all(
    instances.map(async (instance) => {
      while (Date.now() < deadline) {
        if ((await readyStatus(instance.url)) === 200) return false;
        await sleep(100);
      }
      return true;
    }),
  );
  return instances.flatMap((instance, n) => [
    ...(late[n] ? [`${READY_INVARIANT}: instance ${instance.index} after ${fault}`] : []),
    ...(instance.startedAt !== startedAt.get(instance.index)
      ? [`${READY_INVARIANT}: instance ${instance.index} restarted after ${fault}`]
      : []),
  ]);
}

/** Milliseconds from `at` (history time) to the answer of the first SUCCESS `pay` sent after. */
function checkoutOutage(
  history: History,
  from: number,
  to: number,
): { pausedMs: number; firstAfterMs: number } | undefined {
  const paid = history.operations
    .filter((o) => o.op === 'pay' && o.result === 'ok' && o.value?.status === 'SUCCESS')
    .map((o) => o.end)
    .filter((end) => end >= from && end <= to)
    .sort((a, b) => a - b);
  if (paid.length === 0) return undefined;
  let pause = { pausedMs: 0, firstAfterMs: 0 };
  let previous = from;
  for (const end of paid) {
    if (end - previous > pause.pausedMs)
      pause = { pausedMs: end - previous, firstAfterMs: end - from };
    previous = end;
  }
  return pause;
}
