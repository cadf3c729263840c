import type { PostgresCluster, StopMode } from './cluster.js';
import type { History } from './history.js';
import { sleep } from './load.js';
import { readyStatus, type Fleet, type ServerInstance } from './servers.js';

/** What a nemesis works on; it injects faults until `until` (epoch ms). */
export interface NemesisContext {
  readonly cluster: PostgresCluster;
  readonly fleet: Fleet;
  readonly history: History;
  readonly until: number;
}

/** Invariants a nemesis checked while it worked (readiness during an outage), and violations. */
export interface NemesisReport {
  readonly invariants: readonly string[];
  readonly violations: readonly string[];
}

/** Jepsen's name for the process that injects the faults. */
export type Nemesis = (ctx: NemesisContext) => Promise<NemesisReport>;

const NOTHING_CHECKED: NemesisReport = { invariants: [], violations: [] };
/** How long an instance may take to report ready once the database is back. */
const RECOVERY_MS = 15_000;

/**
 * `kills` kill -9s of a random live instance, one at a random moment in each equal slice of the
 * load, each restarted after `downMs` so capacity returns. Random moments over many payments
 * land between attempts, mid-transaction and right after a gateway approval.
 */
export function killInstances(options: { kills: number; downMs: Range }): Nemesis {
  return async ({ fleet, history, until }) => {
    const slice = (until - Date.now()) / options.kills;
    const firstSlice = Date.now();
    for (let n = 0; n < options.kills; n++) {
      // In the first half of its slice, so the restart is done before the next slice begins.
      await sleep(firstSlice + slice * (n + Math.random() / 2) - Date.now());
      const live = fleet.liveInstances();
      const victim = live[Math.floor(Math.random() * live.length)];
      if (victim === undefined) continue;
      await victim.kill();
      history.fault('kill-9', `instance ${victim.index}`);
      await sleep(between(options.downMs));
      await victim.start();
      history.recovered('instance-restart', `instance ${victim.index}`);
    }
    return NOTHING_CHECKED;
  };
}

/**
 * Stops PostgreSQL (each mode in turn, spread over the load), keeps it down for `downMs`, starts
 * it again. Meanwhile every instance's /readyz must turn non-200, then 200 again once the
 * database is back — without restarting the instance.
 */
export function restartPostgres(options: { modes: readonly StopMode[]; downMs: number }): Nemesis {
  const invariant = '/readyz is non-200 while PostgreSQL is down and 200 again after, unrestarted';
  return async ({ cluster, fleet, history, until }) => {
    const violations: string[] = [];
    const gap = (until - Date.now()) / (options.modes.length + 1);
    for (const mode of options.modes) {
      await sleep(gap);
      const watch = watchReadiness(fleet.instances);
      await cluster.stop(mode);
      history.fault(`postgres-stop-${mode}`, `down for ${options.downMs} ms`);
      await sleep(options.downMs);
      await cluster.start();
      history.recovered('postgres-start', `after a ${mode} stop`);
      violations.push(...(await watch.finish()).map((v) => `${mode} restart: ${v}`));
    }
    return { invariants: [invariant], violations };
  };
}

/** pg_terminate_backend of every server connection, every `everyMs`, until the load ends. */
export function terminateBackends(options: { everyMs: Range }): Nemesis {
  return async ({ cluster, history, until }) => {
    for (;;) {
      await sleep(between(options.everyMs));
      if (Date.now() >= until) return NOTHING_CHECKED;
      const terminated = await cluster.terminateAppConnections();
      history.fault('terminate-backends', `${terminated} sessions`);
    }
  };
}

/**
 * Polls each instance's /readyz every 100 ms. `finish` (call it once the database is back) waits
 * until each reports 200 again, then says which never went non-200 or did not come back.
 */
function watchReadiness(instances: readonly ServerInstance[]) {
  let watching = true;
  const watches = instances.map(async (instance) => {
    let sawOutage = false;
    while (watching) {
      if ((await readyStatus(instance.url)) !== 200) sawOutage = true;
      await sleep(100);
    }
    return { instance, sawOutage };
  });
  return {
    async finish(): Promise<string[]> {
      const recovered = await Promise.all(instances.map((i) => waitForReady(i, RECOVERY_MS)));
      watching = false;
      const observed = await Promise.all(watches);
      return observed.flatMap(({ instance, sawOutage }, n) => [
        ...(sawOutage ? [] : [`instance ${instance.index}: /readyz stayed 200 during the outage`]),
        ...(recovered[n] === true
          ? []
          : [`instance ${instance.index}: /readyz not 200 within ${RECOVERY_MS} ms`]),
      ]);
    },
  };
}

async function waitForReady(instance: ServerInstance, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if ((await readyStatus(instance.url)) === 200) return true;
    await sleep(100);
  }
  return false;
}

/** [min, max] milliseconds. */
export type Range = readonly [number, number];

function between([min, max]: Range): number {
  return min + Math.random() * (max - min);
}
