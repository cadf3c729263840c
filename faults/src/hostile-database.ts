import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createCluster } from './cluster.js';

/** A fresh, empty database for one run; the server under test migrates it. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * On `FAULTS_DATABASE_URL`'s server when set, else on a private cluster of its own (as the
 * crash scenarios use), which `drop` stops and deletes.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const serverUrl = process.env.FAULTS_DATABASE_URL;
  if (serverUrl === undefined) {
    const cluster = await createCluster();
    return { url: cluster.databaseUrl, drop: () => cluster.destroy() };
  }
  const name = `orders_hostile_${randomBytes(4).toString('hex')}`;
  await runAdmin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runAdmin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function runAdmin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Each table's row count and a digest of every row's text, keyed by table name. */
export type TableDigests = ReadonlyMap<string, { readonly rows: number; readonly digest: string }>;

/** Every base table of the public schema, digested in one read. */
export async function digestTables(databaseUrl: string): Promise<TableDigests> {
  return withClient(databaseUrl, async (client) => {
    const tables = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const digests = new Map<string, { rows: number; digest: string }>();
    for (const { name } of tables.rows) {
      const table = client.escapeIdentifier(name);
      const result = await client.query<{ rows: number; digest: string }>(
        `select count(*)::int as rows,
                md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest
           from ${table} t`,
      );
      const [row] = result.rows;
      if (row) digests.set(name, row);
    }
    return digests;
  });
}

/** The tables whose digest differs, with their row counts before and after. */
export function changedTables(before: TableDigests, after: TableDigests): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].flatMap((name) => {
    const was = before.get(name);
    const is = after.get(name);
    if (was?.digest === is?.digest) return [];
    return [`${name} (${String(was?.rows ?? 'absent')} → ${String(is?.rows ?? 'absent')} rows)`];
  });
}

/** The keys of the login rate-limit counters. */
export async function rateLimitKeys(databaseUrl: string): Promise<string[]> {
  return withClient(databaseUrl, async (client) => {
    const result = await client.query<{ key: string }>('select key from rate_limits order by 1');
    return result.rows.map((row) => row.key);
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
