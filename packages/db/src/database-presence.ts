import pg from 'pg';

/** The database a `postgres://` URL names (its path), decoded. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error('the database URL names no database');
  return name;
}

/** Whether the database the URL names exists on its server (SQLSTATE 3D000 says it does not). */
export async function databaseExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === '3D000') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database the URL names, connecting to the same server's `postgres` database to do
 * it. For development only: in production a missing database is a mistyped URL, not a request.
 */
export async function createMissingDatabase(url: string): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(databaseNameOf(url))}`);
  } finally {
    await client.end();
  }
}
