import { mkdir } from 'node:fs/promises';
import {
  databaseTarget,
  initOrm,
  migrate,
  startEmbeddedPostgres,
  type PrimaryFollower,
} from '@orders/db';
import type { Config } from './config.js';
import { ensureDatabase, oneServerUrl } from './database-target.js';

/** What `pnpm db:migrate` did. */
export interface MigrationReport {
  /** The database it had to create first (development only); null when it existed. */
  readonly created: string | null;
  /** The migrations applied, oldest first; none when the database was up to date. */
  readonly applied: readonly string[];
}

/**
 * `pnpm db:migrate`'s work: applies pending migrations to DATABASE_URL's database (a host list's
 * writable primary), or to the embedded one. The database must exist, as for the server's start:
 * in production a missing one is refused, naming it, and nothing is created — the ORM's migrator
 * would otherwise create it, and migrate an empty database while the real one is ignored.
 */
export async function migrateDatabase(config: Config): Promise<MigrationReport> {
  if (config.databaseUrl === undefined) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    try {
      return { created: null, applied: await migrateAt(embedded.url) };
    } finally {
      await embedded.stop();
    }
  }
  const target = databaseTarget(config.databaseUrl, {
    connectTimeoutMs: config.db.connectTimeoutMs || 5_000,
  });
  const created = await ensureDatabase(await oneServerUrl(target), config.env);
  return { created, applied: await migrateAt(target) };
}

async function migrateAt(target: string | PrimaryFollower): Promise<string[]> {
  const orm = await initOrm({ clientUrl: target, poolMax: 1 });
  try {
    return await migrate(orm);
  } finally {
    await orm.close(true);
  }
}
