import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** PostgreSQL 15's binaries (Debian layout); `PG_BIN` points elsewhere. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const APP_DATABASE = 'orders';
const DIR_PREFIX = 'orders-faults-';
/** The test process that owns a cluster directory. */
const OWNER_FILE = 'owner.pid';

export type StopMode = 'fast' | 'immediate';

/** A private PostgreSQL cluster in a temp dir, on a free port, for one scenario. */
export interface PostgresCluster {
  /** The app database, as the servers reach it. */
  readonly databaseUrl: string;
  start(): Promise<void>;
  /** `fast`: a clean shutdown; `immediate`: a crash — the next start runs WAL recovery. */
  stop(mode: StopMode): Promise<void>;
  /** Ends every session on the app database but the caller's; returns how many. */
  terminateAppConnections(): Promise<number>;
  /** Stops the cluster (if it runs) and deletes its directory. Safe to call more than once. */
  destroy(): Promise<void>;
}

/** initdb + start + `create database orders`. */
export async function createCluster(): Promise<PostgresCluster> {
  await sweepAbandonedClusters();
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/${APP_DATABASE}`;
  let running = false;

  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', dataDir, ...args]);
  const cluster: PostgresCluster = {
    databaseUrl,
    async start() {
      // The faults here are process crashes, not power loss: the OS page cache survives them,
      // so fsync buys no safety in this test and costs a lot of time on a small CI machine.
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
      await pgCtl('-o', options, '-w', '-t', '30', '-l', join(dir, 'postgres.log'), 'start');
      running = true;
    },
    async stop(mode) {
      await pgCtl('-m', mode, '-w', 'stop');
      running = false;
    },
    async terminateAppConnections() {
      const rows = await query<{ n: number }>(
        databaseUrl,
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid()`,
        [APP_DATABASE],
      );
      return rows[0]?.n ?? 0;
    },
    async destroy() {
      if (running) await cluster.stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dir]);
    await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
    await query(adminUrl, `create database ${APP_DATABASE}`);
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/**
 * A test process killed outright (a cancelled CI job) never runs its teardown, and pg_ctl's
 * server outlives it: stop and delete the clusters whose owning process is gone.
 */
async function sweepAbandonedClusters(): Promise<void> {
  const entries = await readdir(tmpdir());
  for (const entry of entries.filter((name) => name.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), entry);
    // No owner file: a cluster being created right now, or not one of ours to judge.
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => '0'));
    if (owner === 0 || isAlive(owner)) continue;
    await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(
      () => undefined, // not running
    );
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One statement on a fresh connection (the fault queries must not share a pool the faults kill). */
export async function query<Row>(
  url: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  // A session the terminate-backends nemesis ends between statements is reported as an 'error'
  // event, which unheard would crash the run; one ended mid-statement fails the query below.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query(sql, [...params]);
    return result.rows as Row[];
  } finally {
    await client.end();
  }
}

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user. */
async function asPostgres(binary: string, args: readonly string[]): Promise<void> {
  const path = join(PG_BIN, binary);
  if (isRoot()) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
  else await run(path, [...args]);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}
