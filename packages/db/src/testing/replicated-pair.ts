import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** PostgreSQL 15's binaries (Debian layout), as the fault suite uses them; `PG_BIN` elsewhere. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** True when the binaries a pair needs are installed (tests skip only when they are not). */
export const POSTGRES_BINARIES_PRESENT = ['initdb', 'pg_ctl', 'pg_basebackup'].every((binary) =>
  existsSync(join(PG_BIN, binary)),
);

/** One private PostgreSQL server of a pair. */
export interface PairNode {
  readonly port: number;
  /** The app database on this server alone. */
  readonly url: string;
  start(): Promise<void>;
  /** `immediate`: a crash, as when the machine is lost. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl promote`, waiting until the server is out of recovery. */
  promote(): Promise<void>;
}

/**
 * Two private PostgreSQL 15 servers on loopback ports in a temp dir: a primary and a streaming
 * replica of it (`pg_basebackup -R`), with an `orders` database. For failover tests that need no
 * failover manager: the test promotes and stops servers itself.
 */
export interface ReplicatedPair {
  readonly primary: PairNode;
  readonly standby: PairNode;
  /** Stops both servers and deletes the directory. Safe to call more than once. */
  destroy(): Promise<void>;
}

const DATABASE = 'orders';

export async function createReplicatedPair(): Promise<ReplicatedPair> {
  const dir = await mkdtemp(join(tmpdir(), 'orders-pair-'));
  const nodes: { node: PairNode; running: () => boolean }[] = [];
  const destroy = async () => {
    for (const { node, running } of nodes) {
      if (running()) await node.stop('immediate').catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (isRoot()) await run('chown', ['postgres:postgres', dir]);
    const primaryDir = join(dir, 'primary');
    await asPostgres('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const primary = nodeOn(dir, primaryDir, await freePort());
    nodes.push(primary);
    await primary.node.start();
    await query(
      primary.node.url.replace(`/${DATABASE}`, '/postgres'),
      `create database ${DATABASE}`,
    );

    const standbyDir = join(dir, 'standby');
    await asPostgres('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primary.node.port), '-U', 'postgres'],
      // A fast checkpoint: the default spreads it over minutes.
      ...['-D', standbyDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
    ]);
    const standby = nodeOn(dir, standbyDir, await freePort());
    nodes.push(standby);
    await standby.node.start();
    return { primary: primary.node, standby: standby.node, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

function nodeOn(dir: string, dataDir: string, port: number) {
  let running = false;
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', dataDir, ...args]);
  const node: PairNode = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
    async start() {
      // Crash faults, not power loss: fsync buys no safety here and costs time on CI.
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
      const log = join(dir, `postgres-${port}.log`);
      await pgCtl('-o', options, '-w', '-t', '30', '-l', log, 'start');
      running = true;
    },
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, '-w', 'stop');
      running = false;
    },
    async promote() {
      await pgCtl('-w', '-t', '30', 'promote');
    },
  };
  return { node, running: () => running };
}

/** One statement on a connection of its own. */
export async function query<Row = Record<string, unknown>>(
  url: string,
  sql: string,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Sets server settings with ALTER SYSTEM and reloads the configuration. */
export async function setAndReload(url: string, settings: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    await query(url, `alter system set ${name} = '${value.replace(/'/g, "''")}'`);
  }
  await query(url, 'select pg_reload_conf()');
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('the OS gave no port'));
      });
    });
  });
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
