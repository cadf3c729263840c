import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseExists } from '@orders/db';
import { dropDatabaseNamedBy } from '@orders/db/testing';
import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { createTestClient } from './testing/test-client.js';
import { startTestServer, TEST_JWT_SECRET } from './testing/test-server.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const onServer = serverUrl !== undefined && serverUrl !== '';

/** The test server's URL with another database name. */
function urlFor(name: string): string {
  const url = new URL(serverUrl ?? 'postgres://localhost/x');
  url.pathname = `/${name}`;
  return url.toString();
}

const silent = { logger: pino({ level: 'silent' }) };

describe('startApp', () => {
  it('has the development catalogue in place before it serves a request', async () => {
    const server = await startTestServer({ env: 'development' });
    try {
      const products = await createTestClient(server.url).products.list.query();
      expect(products.map((p) => p.sku)).toContain('KEYBOARD-01');
      expect(products).toHaveLength(10);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!onServer)(
    'refuses, in production, a DATABASE_URL naming a database that does not exist — and creates none',
    async () => {
      const name = `orders_typo_${randomBytes(4).toString('hex')}`;
      const config = {
        ...loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, PORT: '0' }),
        databaseUrl: urlFor(name),
      };
      await expect(startApp(config, silent)).rejects.toThrow(
        `the database "${name}" named by DATABASE_URL does not exist; create it, or correct the URL`,
      );
      expect(await databaseExists(urlFor(name))).toBe(false);
    },
  );

  it.skipIf(!onServer)('creates a missing database in development, and serves it', async () => {
    const name = `orders_new_${randomBytes(4).toString('hex')}`;
    const config = {
      ...loadConfig({ NODE_ENV: 'development', JWT_SECRET: TEST_JWT_SECRET, PORT: '0' }),
      databaseUrl: urlFor(name),
      admin: { email: 'admin@test.local', password: 'admin-password-1' },
    };
    const app = await startApp(config, silent);
    try {
      expect(await databaseExists(urlFor(name))).toBe(true);
      expect(await createTestClient(app.url).products.list.query()).toHaveLength(10);
    } finally {
      await app.close();
      await dropDatabaseNamedBy(urlFor(name));
    }
  });
});
