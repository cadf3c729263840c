import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readEmbeddedSeed } from './embedded-seed.js';

/** A PostgreSQL served from inside this process, reachable over TCP on loopback. */
export interface EmbeddedPostgres {
  /** A `postgres://` URL any PostgreSQL driver can use. */
  readonly url: string;
  /** The whole cluster, gzipped: what a new embedded database can start from (`seedFile`). */
  dump(): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the database files live; omitted → in memory (tests). */
  readonly dataDir?: string;
  /** Socket connections accepted at once. Must be > 1 so a pool's connections are multiplexed. */
  readonly maxConnections?: number;
  /**
   * The cluster a new database starts from: by default the build's empty cluster
   * (`EMBEDDED_SEED_FILE`); the server passes the build's migrated one (`MIGRATED_SEED_FILE`).
   */
  readonly seedFile?: string;
}

const LOCK_FILE = 'embedded.lock';

/**
 * Starts PGlite and serves it with the PostgreSQL wire protocol on a free loopback port, so the
 * same driver, SQL and migrations run here and on a real server. PGlite is single-session: the
 * socket server's multiplexer runs one transaction at a time (correct, not concurrent).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const { dataDir, maxConnections = 64 } = options;
  let releaseLock = async (): Promise<void> => {};
  let storage = 'memory://';
  let fresh = true;
  if (dataDir !== undefined) {
    const pgDir = join(dataDir, 'pgdata');
    await mkdir(pgDir, { recursive: true, mode: 0o700 });
    releaseLock = await lockDataDir(dataDir);
    storage = pgDir;
    fresh = !(await exists(join(pgDir, 'PG_VERSION')));
  }
  try {
    // A new cluster starts from a seed the build made rather than from initdb.
    const seed = fresh ? await readEmbeddedSeed(options.seedFile) : undefined;
    const db = await PGlite.create(storage, seed === undefined ? {} : { loadDataDir: seed });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    return {
      url,
      async dump() {
        return Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
      },
      async stop() {
        await server.stop();
        await db.close();
        await releaseLock();
      },
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/**
 * PGlite has no cross-process locking of its files: two processes on one data dir would corrupt
 * it. A lock file holding our pid refuses a second server while the first one lives.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${holder}; stop it or set ORDERS_DATA_DIR to another directory`,
        );
      }
      await rm(path, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`could not lock the embedded database in ${dataDir}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
