import { randomBytes } from 'node:crypto';
import { initOrm, migrate } from '@orders/db';
import pg from 'pg';

/** A fresh, migrated database on the benchmark's PostgreSQL server; `drop` removes it. */
export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(
  serverUrl: string,
  label: string,
): Promise<BenchDatabase> {
  const database = await createEmptyBenchDatabase(serverUrl, label);
  const orm = await initOrm({ clientUrl: database.url, poolMax: 1 });
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
  return database;
}

/**
 * A fresh database without tables: the server started on it applies its own build's migrations
 * (another build's schema may differ from this checkout's).
 */
export async function createEmptyBenchDatabase(
  serverUrl: string,
  label: string,
): Promise<BenchDatabase> {
  const name = `orders_bench_${label}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
