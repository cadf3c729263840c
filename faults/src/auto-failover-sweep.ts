import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  autoctlSemaphore,
  isAlive,
  postmasterPid,
  removeSemaphores,
  signal,
  waitGone,
} from './auto-failover-processes.js';

export const HARNESS_DIR_PREFIX = 'orders-autofailover-';
export const OWNER_FILE = 'owner.pid';
const SERVICES = ['node1', 'node2', 'monitor'] as const;

/**
 * A test process killed outright (a cancelled CI job) never runs its teardown, and the harness's
 * pg_autoctl processes and postmasters outlive it (they run in sessions of their own): kill -9
 * those of every harness directory whose owning process is gone, by their pid files, remove the
 * semaphores they held, and delete the directory.
 */
export async function sweepAbandonedHarnesses(): Promise<void> {
  for (const entry of (await readdir(tmpdir())).filter((name) =>
    name.startsWith(HARNESS_DIR_PREFIX),
  )) {
    const dir = join(tmpdir(), entry);
    // No owner file: a harness being created right now, or not one of ours to judge.
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => '0'));
    if (owner === 0 || isAlive(owner)) continue;
    const semaphores: number[] = [];
    const pids: number[] = [];
    for (const service of SERVICES) {
      const pgdata = join(dir, service);
      const semaphore = await autoctlSemaphore(dir, pgdata);
      if (semaphore !== undefined) semaphores.push(semaphore);
      pids.push(...(await autoctlPids(dir, pgdata)));
      const postmaster = await postmasterPid(pgdata);
      if (postmaster !== undefined && (await isCommand(postmaster, pgdata))) pids.push(postmaster);
    }
    for (const pid of pids) signal(pid, 'SIGKILL');
    await waitGone(pids, 10_000);
    await removeSemaphores(semaphores);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The pids in pg_autoctl's pid file (its own on the first line, its services' as `pid name`
 * lines after the fifth) that still run pg_autoctl: a pid reused since is left alone.
 */
async function autoctlPids(dir: string, pgdata: string): Promise<number[]> {
  const pidFile = join(dir, 'run', 'pg_autoctl', pgdata, 'pg_autoctl.pid');
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const candidates = [lines[0], ...lines.slice(5).map((line) => line.split(' ')[0])];
  const pids: number[] = [];
  for (const text of candidates) {
    const pid = Number(text);
    if (Number.isInteger(pid) && pid > 0 && (await isCommand(pid, 'pg_autoctl'))) pids.push(pid);
  }
  return pids;
}

async function isCommand(pid: number, contains: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes(contains);
}
