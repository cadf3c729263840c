import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseExists } from '@orders/db';
import { dropDatabaseNamedBy } from '@orders/db/testing';
import { loadConfig } from './config.js';
import { migrateDatabase } from './migrate-database.js';
import { TEST_JWT_SECRET } from './testing/test-server.js';

// A database that does not exist needs a PostgreSQL server to be missing from: on the embedded
// one (no DATABASE_URL) there is nothing to name.
const serverUrl = process.env.TEST_DATABASE_URL;
const onServer = serverUrl !== undefined && serverUrl !== '';

/** The test server's URL with another database name. */
function urlFor(name: string): string {
  const url = new URL(serverUrl ?? 'postgres://localhost/x');
  url.pathname = `/${name}`;
  return url.toString();
}

function configFor(env: 'production' | 'development', name: string) {
  return {
    ...loadConfig({ NODE_ENV: env, JWT_SECRET: TEST_JWT_SECRET }),
    databaseUrl: urlFor(name),
  };
}

describe('migrateDatabase (pnpm db:migrate)', () => {
  it('migrates the embedded database in the data directory when no DATABASE_URL is set', async () => {
    const work = await mkdtemp(join(tmpdir(), 'orders-migrate-'));
    const config = {
      ...loadConfig({ NODE_ENV: 'development', ORDERS_DATA_DIR: join(work, 'data') }),
      databaseUrl: undefined,
    };
    try {
      const first = await migrateDatabase(config);
      expect(first.created).toBeNull();
      expect(first.applied.length).toBeGreaterThan(0);
      expect(await migrateDatabase(config)).toEqual({ created: null, applied: [] });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it.skipIf(!onServer)(
    'refuses, in production, a DATABASE_URL naming a database that does not exist — and creates none',
    async () => {
      const name = `orders_typo_${randomBytes(4).toString('hex')}`;
      try {
        await expect(migrateDatabase(configFor('production', name))).rejects.toThrow(
          `the database "${name}" named by DATABASE_URL does not exist; create it, or correct the URL`,
        );
        expect(await databaseExists(urlFor(name))).toBe(false);
      } finally {
        await dropDatabaseNamedBy(urlFor(name));
      }
    },
  );

  it.skipIf(!onServer)(
    'creates a missing database in development, says so, and migrates it',
    async () => {
      const name = `orders_new_${randomBytes(4).toString('hex')}`;
      const config = configFor('development', name);
      try {
        const first = await migrateDatabase(config);
        expect(first.created).toBe(name);
        expect(first.applied.length).toBeGreaterThan(0);
        expect(await migrateDatabase(config)).toEqual({ created: null, applied: [] });
      } finally {
        await dropDatabaseNamedBy(urlFor(name));
      }
    },
  );
});
