import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded.js';
import { createDatabase, hasSessionPerConnection, type Database } from '../database.js';
import { initOrm, migrate, type Orm } from '../orm.js';

/** A database of its own for one test file; `dispose` removes every trace of it. */
export interface TestDatabase {
  readonly url: string;
  /** `embedded` (a fresh in-memory PGlite) or `server` (a new database on TEST_DATABASE_URL). */
  readonly kind: 'embedded' | 'server';
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database: a new in-memory PGlite by default, or — when `TEST_DATABASE_URL` names
 * a PostgreSQL server — a newly created database on it, dropped again by `dispose`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, kind: 'embedded', dispose: () => embedded.stop() };
  }
  const name = `orders_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'server',
    async dispose() {
      await withAdminClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

/** A fresh database with every migration applied and an ORM connected to it. */
export async function createMigratedTestDatabase(): Promise<
  TestDatabase & { orm: Orm; database: Database }
> {
  const db = await createTestDatabase();
  const orm = await initOrm({ clientUrl: db.url, poolMax: 2 });
  await migrate(orm);
  const prepareStatements = await hasSessionPerConnection(db.url);
  const database = createDatabase({ url: db.url, poolMax: 4, prepareStatements });
  return {
    ...db,
    orm,
    database,
    async dispose() {
      await database.close();
      await orm.close(true);
      await db.dispose();
    },
  };
}

async function withAdminClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the database a URL names, if it exists (tests that make databases of their own). */
export async function dropDatabaseNamedBy(url: string): Promise<void> {
  const name = new URL(url).pathname.replace(/^\//, '');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  await withAdminClient(maintenance.toString(), (client) =>
    client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`),
  );
}
