import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUTOCTL_SUBDIRS,
  autoctl,
  autoctlSemaphore,
  chownToPostgres,
  isAlive,
  killSession,
  postmasterPid,
  processesOf,
  removeSemaphores,
  semaphoreIds,
  signal,
  spawnAutoctl,
  waitGone,
} from './auto-failover-processes.js';
import type {
  AutoFailoverCluster,
  NodeName,
  NodeStatus,
  TeardownReport,
} from './auto-failover-types.js';
import { HARNESS_DIR_PREFIX, OWNER_FILE, sweepAbandonedHarnesses } from './auto-failover-sweep.js';
import { query } from './cluster.js';
import { sleep } from './load.js';
import { freePort } from './ports.js';
import { applySettings, NODE_SETTINGS, TEST_MONITOR_SETTINGS } from './auto-failover-settings.js';

export const APP_DATABASE = 'orders';
export const NODES = ['node1', 'node2'] as const;
export type {
  AutoFailoverCluster,
  NodeName,
  NodeStatus,
  Pair,
  TeardownReport,
} from './auto-failover-types.js';

const START_WITHIN_MS = 90_000;
const STATE_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 20_000;
/**
 * How long a pair must hold, with no event on the monitor, before it counts as back: longer than
 * the monitor takes to find a node unhealthy (health_check_period +
 * node_considered_unhealthy_timeout, as set for tests), so a fault the monitor has not noticed
 * yet cannot pass for a recovery.
 */
const PAIR_STEADY_MS = 5_000;

/** Creates and starts the cluster; on failure, tears down what it started. */
export async function createAutoFailoverCluster(): Promise<AutoFailoverCluster> {
  await sweepAbandonedHarnesses();
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), HARNESS_DIR_PREFIX));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  for (const sub of AUTOCTL_SUBDIRS) await mkdir(join(dir, sub));
  await chownToPostgres(dir);
  const monitorPort = await freePort();
  const ports: Record<NodeName, number> = { node1: await freePort(), node2: await freePort() };
  const monitorUrl = `postgres://postgres@127.0.0.1:${monitorPort}/pg_auto_failover`;
  const nodeMonitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover`;
  const pgdata = (name: NodeName | 'monitor') => join(dir, name);
  /** The session of each running `pg_autoctl run`; every session ever started, for teardown. */
  const sessions = new Map<NodeName | 'monitor', number>();
  const allSessions = new Set<number>();
  let semaphoresRemoved = 0;
  let tornDown: TeardownReport | undefined;

  const runService = (name: NodeName | 'monitor', args: readonly string[]) => {
    const child = spawnAutoctl(dir, args, join(dir, `${name}.log`));
    if (child.pid === undefined) throw new Error(`pg_autoctl for ${name} did not start`);
    sessions.set(name, child.pid);
    allSessions.add(child.pid);
  };
  const states = async (): Promise<NodeStatus[]> => {
    const rows = await query<NodeStatus>(
      monitorUrl,
      `select nodename as name, current_group_state::text as current,
              assigned_group_state::text as assigned, health
         from pgautofailover.current_state('default') order by nodename`,
    );
    return rows;
  };
  const events = async (limit: number) => {
    const rows = await query<{ line: string }>(
      monitorUrl,
      `select to_char(eventtime, 'HH24:MI:SS.MS') || ' ' || nodename || ': ' || description as line
         from pgautofailover.event order by eventid desc limit $1`,
      [limit],
    );
    return rows.map((r) => r.line).reverse();
  };
  const waitFor = async <T>(
    what: string,
    check: () => Promise<T | undefined>,
    withinMs: number,
  ) => {
    const deadline = Date.now() + withinMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const found = await check();
        if (found !== undefined) return found;
      } catch (error) {
        last = error; // the monitor or a node not up yet
      }
      await sleep(100);
    }
    const seen = await states().catch((error: unknown) => String(error));
    const recent = await events(10).catch((error: unknown) => [String(error)]);
    throw new Error(
      `${what}: not within ${withinMs} ms (monitor: ${JSON.stringify(seen)}; its last events: ${recent.join(' | ')})`,
      { cause: last },
    );
  };
  const waitForState = async (want: Partial<Record<NodeName, string | readonly string[]>>) => {
    const wanted = Object.entries(want).map(([name, s]) => [name, [s].flat()] as const);
    await waitFor(
      `states ${JSON.stringify(want)}`,
      async () => {
        const seen = await states();
        const ok = wanted.every(([name, accepted]) =>
          seen.some(
            (n) => n.name === name && accepted.includes(n.current) && n.current === n.assigned,
          ),
        );
        return ok ? true : undefined;
      },
      STATE_WITHIN_MS,
    );
  };
  const waitForPair = (notBefore = 0) =>
    waitFor(
      `one primary and one secondary, both healthy, no monitor event for ${PAIR_STEADY_MS} ms`,
      async () => {
        const seen = await states();
        const settled = (state: string) =>
          seen.find((n) => n.current === state && n.assigned === state && n.health === 1)?.name;
        const primary = settled('primary');
        const secondary = settled('secondary');
        // Every state change and health verdict is an event on the monitor: none for a while
        // (and none since the fault began) means the pair holds.
        const [last] = await query<{ at: number }>(
          monitorUrl,
          `select coalesce(round(extract(epoch from max(eventtime)) * 1000), 0)::float8 as at
             from pgautofailover.event`,
        );
        const since = Math.max(last?.at ?? 0, notBefore);
        if (primary === undefined || secondary === undefined) return undefined;
        return Date.now() - since >= PAIR_STEADY_MS ? { primary, secondary, since } : undefined;
      },
      STATE_WITHIN_MS,
    );
  const killService = async (name: NodeName | 'monitor') => {
    const session = sessions.get(name);
    if (session === undefined) return;
    const semaphore = await autoctlSemaphore(dir, pgdata(name));
    const pids = await killSession(session);
    sessions.delete(name);
    await waitGone(pids, STOP_WITHIN_MS);
    if (semaphore !== undefined) semaphoresRemoved += await removeSemaphores([semaphore]);
  };
  const stopService = async (name: NodeName | 'monitor') => {
    const session = sessions.get(name);
    if (session === undefined) return;
    await autoctl(dir, ['stop', '--pgdata', pgdata(name)]);
    const pids = await processesOf(new Set([session]));
    if (!(await waitGone(pids, STOP_WITHIN_MS))) await killService(name);
    sessions.delete(name);
  };

  const cluster: AutoFailoverCluster = {
    databaseUrl: `postgres://postgres@127.0.0.1:${ports.node1},127.0.0.1:${ports.node2}/${APP_DATABASE}`,
    monitorUrl,
    startMs: 0,
    nodeUrl: (node) => `postgres://postgres@127.0.0.1:${ports[node]}/${APP_DATABASE}`,
    states,
    events,
    async primary() {
      const seen = await states();
      const writable = ['primary', 'wait_primary'];
      return seen.find((n) => writable.includes(n.current) && n.current === n.assigned)?.name;
    },
    waitForState,
    waitForPair,
    async performFailover() {
      // It prints a harmless ERROR (`invalid input syntax for type integer: ""`) and succeeds.
      await autoctl(dir, ['perform', 'failover', '--pgdata', pgdata('monitor')]);
    },
    killNode: (node) => killService(node),
    restartNode(node) {
      if (!sessions.has(node)) runService(node, ['run', '--pgdata', pgdata(node)]);
      return Promise.resolve();
    },
    async postmasterPid(node) {
      const pid = await postmasterPid(pgdata(node));
      return pid !== undefined && isAlive(pid) ? pid : undefined;
    },
    async killPostmaster(node) {
      const pid = await postmasterPid(pgdata(node));
      if (pid === undefined || !isAlive(pid)) throw new Error(`${node} has no running postmaster`);
      signal(pid, 'SIGKILL');
      await waitGone([pid], STOP_WITHIN_MS);
    },
    stopNode: (node) => stopService(node),
    startNode: (node) => cluster.restartNode(node),
    async teardown() {
      if (tornDown !== undefined) return tornDown;
      const begun = Date.now();
      const held: number[] = [];
      for (const name of sessions.keys()) {
        const semaphore = await autoctlSemaphore(dir, pgdata(name));
        if (semaphore !== undefined) held.push(semaphore);
      }
      const stop = (name: NodeName | 'monitor') => stopService(name).catch(() => killService(name));
      await Promise.all(NODES.map(stop));
      await stop('monitor');
      const left = await processesOf(allSessions);
      for (const pid of left) signal(pid, 'SIGKILL');
      await waitGone(left, STOP_WITHIN_MS);
      const existing = await semaphoreIds();
      const semaphoresLeft = held.filter((id) => existing.has(id));
      await removeSemaphores(semaphoresLeft);
      await rm(dir, { recursive: true, force: true });
      tornDown = {
        processesLeft: left.length,
        semaphoresRemoved,
        semaphoresLeft,
        dirLeft: existsSync(dir),
        ms: Date.now() - begun,
      };
      return tornDown;
    },
  };

  try {
    await autoctl(dir, [
      ...['create', 'monitor', '--pgdata', pgdata('monitor'), '--pgport', String(monitorPort)],
      ...['--auth', 'trust', '--no-ssl', '--hostname', '127.0.0.1', '--listen', '127.0.0.1'],
    ]);
    runService('monitor', ['run', '--pgdata', pgdata('monitor')]);
    await waitFor('the monitor accepts connections', () => query(monitorUrl, 'select 1'), 30_000);
    await applySettings(monitorUrl, TEST_MONITOR_SETTINGS);
    const createNode = (node: NodeName) => {
      runService(node, [
        ...['create', 'postgres', '--pgdata', pgdata(node), '--pgport', String(ports[node])],
        ...['--listen', '127.0.0.1', '--hostname', '127.0.0.1', '--name', node],
        ...['--dbname', APP_DATABASE, '--monitor', nodeMonitorUrl, '--auth', 'trust', '--no-ssl'],
        '--run',
      ]);
    };
    createNode('node1');
    await waitForState({ node1: 'single' });
    // Before node2 clones node1, so its copy of postgresql.auto.conf has them too.
    await applySettings(cluster.nodeUrl('node1'), NODE_SETTINGS);
    await query(cluster.nodeUrl('node1'), 'checkpoint');
    createNode('node2');
    await waitFor('node2 cloned and secondary', waitForPairOrUndefined, START_WITHIN_MS);
    return { ...cluster, startMs: Date.now() - started };
  } catch (error) {
    await cluster.teardown();
    throw error;
  }

  async function waitForPairOrUndefined() {
    const seen = await states();
    const is = (name: NodeName, state: string) =>
      seen.some((n) => n.name === name && n.current === state && n.assigned === state);
    return is('node1', 'primary') && is('node2', 'secondary') ? true : undefined;
  }
}
