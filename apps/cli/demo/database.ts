import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Surprise } from './transcript.js';

const run = promisify(execFile);

/** A database made for one run of the story on a PostgreSQL server, dropped afterwards. */
export interface DemoDatabase {
  readonly name: string;
  /** `serverUrl` with this database in its path. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates `orders_demo_<random>` on the server `serverUrl` points at, with `psql` (the demo
 * imports no database code): the story never touches the database it was given.
 */
export async function createDemoDatabase(serverUrl: string, path: string): Promise<DemoDatabase> {
  const name = `orders_demo_${randomBytes(4).toString('hex')}`;
  const sql = (statement: string) =>
    run('psql', [serverUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], {
      env: { PATH: path },
    });
  try {
    await sql(`CREATE DATABASE "${name}"`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Surprise(
      `could not create ${name} on DATABASE_URL with psql (is psql installed, the server up?): ${reason}`,
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await sql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
