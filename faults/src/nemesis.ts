import type { PostgresCluster, StopMode } from './cluster.js';
import type { DeliveryRig } from './deliveries.js';
import type { History, KillMoment } from './history.js';
import {
  findTarget,
  landed,
  type AimedKill,
  type AimedMoment,
  type KillTarget,
} from './kill-targets.js';
import { sleep } from './load.js';
import type { NatsOutage } from './nats-nemesis.js';
import { findRefundTarget, refundKillLanded } from './refund-kill-target.js';
import { readyStatus, type Fleet, type ServerInstance } from './servers.js';

/** What a nemesis works on; it injects faults until `until` (epoch ms). */
export interface NemesisContext {
  readonly cluster: PostgresCluster;
  readonly fleet: Fleet;
  readonly history: History;
  readonly until: number;
  /**
   * The instance a kill -9 at a random moment goes to while it is live (by index): the one the
   * event follower's stream is on, so every run cuts that stream at least once. Undefined: any.
   */
  readonly randomVictim?: () => number | undefined;
  /** The scenario's NATS server and webhook receiver, when it runs with them. */
  readonly deliveries?: DeliveryRig | undefined;
}

/** Invariants a nemesis checked while it worked (readiness during an outage), and violations. */
export interface NemesisReport {
  readonly invariants: readonly string[];
  readonly violations: readonly string[];
  /** To call once every payment is final: what the faults hit, as the database then shows it. */
  readonly afterSettling?: (databaseUrl: string) => Promise<FaultsHit>;
  /** NATS outages (`restartNats`), for the report. */
  readonly natsOutages?: readonly NatsOutage[];
}

/** What the faults of a run hit. */
export interface FaultsHit {
  /** Conditions the run had to meet to test what it claims, and those it fell short of. */
  readonly coverage: readonly string[];
  readonly shortfalls: readonly string[];
  /** kill -9s by moment: random, and for each aimed moment how many were aimed and landed. */
  readonly killMoments?: Readonly<Record<string, number>>;
}

/** Jepsen's name for the process that injects the faults. */
export type Nemesis = (ctx: NemesisContext) => Promise<NemesisReport>;

const NOTHING_CHECKED: NemesisReport = { invariants: [], violations: [] };
/** How long an instance may take to report ready once the database is back. */
const RECOVERY_MS = 15_000;

const MOMENT_COVERAGE: Readonly<Record<AimedMoment, string>> = {
  'between-attempts':
    'a kill -9 landed between two attempts of a payment (RETRY, its driver asleep) and another instance made the next attempt',
  'after-approval':
    'a kill -9 landed after an approving attempt was committed as started and before its approval was recorded, and another instance re-made that attempt',
  'refund-approval':
    "a kill -9 landed after a refund's approval and before it was recorded, and another instance re-made that attempt (the refund SUCCEEDED once)",
};

/**
 * `kills` kill -9s, one in each equal slice of the load, each restarted after `downMs` so
 * capacity returns. The n-th is aimed at `moments[n % moments.length]`: `random` kills a random
 * live instance (the event follower's, if the context names it) at a random moment; an aimed
 * moment waits (a few seconds at most, else it kills at random) until the database shows a
 * payment at that moment and kills the instance driving it. Once the payments are final, the database tells which aimed kills landed where aimed.
 */
export function killInstances(options: {
  kills: number;
  downMs: Range;
  moments: readonly KillMoment[];
}): Nemesis {
  return async ({ cluster, fleet, history, until, randomVictim }) => {
    const slice = (until - Date.now()) / options.kills;
    const firstSlice = Date.now();
    const aimed: AimedKill[] = [];
    let random = 0;
    for (let n = 0; n < options.kills; n++) {
      // In the first half of its slice, so the restart is done before the next slice begins.
      await sleep(firstSlice + slice * (n + Math.random() / 2) - Date.now());
      const moment = options.moments[n % options.moments.length] ?? 'random';
      const aim = { databaseUrl: cluster.databaseUrl, fleet, history, until };
      const held =
        moment === 'random'
          ? undefined
          : moment === 'refund-approval'
            ? await findRefundTarget(aim)
            : await findTarget({ ...aim, moment });
      const target = held?.target;
      const victim = target?.instance ?? pickLive(fleet, randomVictim?.());
      if (victim === undefined) continue;
      const killedAt = Date.now();
      await victim.kill();
      await held?.release();
      if (target === undefined) random++;
      else aimed.push({ ...target, killedAt });
      history.fault('kill-9', `instance ${victim.index}: ${describeKill(moment, target)}`);
      await sleep(between(options.downMs));
      await victim.start();
      history.recovered('instance-restart', `instance ${victim.index}`);
    }
    const aimedMoments = [...new Set(options.moments)].filter(
      (m): m is AimedMoment => m !== 'random',
    );
    return {
      ...NOTHING_CHECKED,
      async afterSettling(databaseUrl) {
        const killMoments: Record<string, number> = { random };
        const shortfalls: string[] = [];
        for (const moment of aimedMoments) {
          const kills = aimed.filter((kill) => kill.moment === moment);
          let hits = 0;
          for (const kill of kills) if (await landedWhereAimed(databaseUrl, kill)) hits++;
          killMoments[`${moment} aimed`] = kills.length;
          killMoments[`${moment} landed`] = hits;
          if (hits === 0)
            shortfalls.push(`${MOMENT_COVERAGE[moment]}: ${kills.length} aimed, none landed`);
        }
        return { coverage: aimedMoments.map((m) => MOMENT_COVERAGE[m]), shortfalls, killMoments };
      },
    };
  };
}

function landedWhereAimed(databaseUrl: string, kill: AimedKill): Promise<boolean> {
  const { moment } = kill;
  return moment === 'refund-approval'
    ? refundKillLanded(databaseUrl, kill)
    : landed(databaseUrl, { ...kill, moment });
}

function describeKill(moment: KillMoment, target: KillTarget | undefined): string {
  if (target !== undefined) {
    const subject = moment === 'refund-approval' ? 'refund' : 'payment';
    return `${moment}, ${subject} ${target.id} before its attempt ${target.attempts + 1}`;
  }
  return moment === 'random' ? 'random moment' : `random moment (no payment ${moment} in time)`;
}

/** `preferred` if it is live, else a random live instance. */
function pickLive(fleet: Fleet, preferred?: number): ServerInstance | undefined {
  const live = fleet.liveInstances();
  return (
    live.find((instance) => instance.index === preferred) ??
    live[Math.floor(Math.random() * live.length)]
  );
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
