import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PostgreSQL 15's binaries (Debian layout); pg_autoctl finds pg_ctl through PATH. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** A `pg_autoctl` command that does not answer in this long is stuck (it waits on a lock, say). */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Where one harness keeps pg_autoctl's files: its config, state and pid files go under the
 * directory's own HOME / XDG dirs / TMPDIR instead of the postgres user's, so two harnesses (or
 * a harness and a real installation) never share one.
 */
export function autoctlEnv(dir: string): string[] {
  return [
    `HOME=${join(dir, 'home')}`,
    `XDG_CONFIG_HOME=${join(dir, 'config')}`,
    `XDG_DATA_HOME=${join(dir, 'share')}`,
    `XDG_RUNTIME_DIR=${join(dir, 'run')}`,
    `TMPDIR=${join(dir, 'tmp')}`,
    `PATH=${PG_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  ];
}

export const AUTOCTL_SUBDIRS = ['home', 'config', 'share', 'run', 'tmp'] as const;

/** `[command, args]` running `pg_autoctl args` in `dir`'s environment, as postgres when root. */
function autoctlCommand(dir: string, args: readonly string[]): [string, string[]] {
  const inner = ['env', ...autoctlEnv(dir), 'pg_autoctl', ...args];
  return isRoot()
    ? ['runuser', ['-u', 'postgres', '--', ...inner]]
    : [inner[0] ?? 'env', inner.slice(1)];
}

/** A short `pg_autoctl` command (create, stop, perform); its output, or an error with it. */
export async function autoctl(dir: string, args: readonly string[]): Promise<string> {
  const [command, commandArgs] = autoctlCommand(dir, args);
  try {
    const { stdout, stderr } = await run(command, commandArgs, { timeout: COMMAND_TIMEOUT_MS });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`pg_autoctl ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}

/**
 * A long-running `pg_autoctl run` (or `create … --run`), its output appended to `logFile`. It is
 * started in a session of its own: the session id (the returned child's pid) names every
 * pg_autoctl process of it and its postmaster, even once they are orphaned.
 */
export function spawnAutoctl(dir: string, args: readonly string[], logFile: string): ChildProcess {
  const [command, commandArgs] = autoctlCommand(dir, args);
  const log = openSync(logFile, 'a');
  const child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  return child;
}

/** Live processes (pid, session id, parent pid, command) read from /proc. */
interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly sid: number;
}

async function listProcesses(): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue; // gone since the listing
    // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    entries.push({ pid: Number(name), ppid: Number(fields[1]), sid: Number(fields[3]) });
  }
  return entries;
}

/**
 * The processes of `sessions` and their children (a postmaster's children make sessions of
 * their own, and die with it).
 */
export async function processesOf(sessions: ReadonlySet<number>): Promise<number[]> {
  const all = await listProcesses();
  const inSession = new Set(all.filter((p) => sessions.has(p.sid)).map((p) => p.pid));
  return all.filter((p) => inSession.has(p.pid) || inSession.has(p.ppid)).map((p) => p.pid);
}

/** kill -9 of every process of `session` (pg_autoctl's processes and its postmaster). */
export async function killSession(session: number): Promise<number[]> {
  const all = await listProcesses();
  const pids = all.filter((p) => p.sid === session).map((p) => p.pid);
  for (const pid of pids) signal(pid, 'SIGKILL');
  return pids;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of `pids` is alive (kill -9 is not instantaneous), at most `withinMs`. */
export async function waitGone(pids: readonly number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * The SysV semaphore a running pg_autoctl holds (its log lock): the fifth line of its pid file,
 * `$XDG_RUNTIME_DIR/pg_autoctl/<pgdata>/pg_autoctl.pid`. pg_autoctl removes it when it exits;
 * a kill -9 leaves it behind.
 */
export async function autoctlSemaphore(dir: string, pgdata: string): Promise<number | undefined> {
  const pidFile = join(dir, 'run', 'pg_autoctl', pgdata, 'pg_autoctl.pid');
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const id = Number(lines[4]);
  return lines.length > 4 && Number.isInteger(id) && id >= 0 ? id : undefined;
}

/** The postmaster's pid, from `<pgdata>/postmaster.pid`; undefined if none is recorded. */
export async function postmasterPid(pgdata: string): Promise<number | undefined> {
  const text = await readFile(join(pgdata, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The ids of the SysV semaphore sets that exist now (`ipcs -s`). */
export async function semaphoreIds(): Promise<Set<number>> {
  const { stdout } = await run('ipcs', ['-s']);
  const ids = stdout.split('\n').flatMap((line) => {
    const [key, id] = line.trim().split(/\s+/);
    return key?.startsWith('0x') && id !== undefined ? [Number(id)] : [];
  });
  return new Set(ids);
}

/** Removes those of `ids` that still exist; returns how many it removed. */
export async function removeSemaphores(ids: Iterable<number>): Promise<number> {
  const existing = await semaphoreIds();
  let removed = 0;
  for (const id of ids) {
    if (!existing.has(id)) continue;
    await run('ipcrm', ['-s', String(id)]);
    removed++;
  }
  return removed;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function chownToPostgres(dir: string): Promise<void> {
  if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dir]);
}
