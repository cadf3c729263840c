import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseExists } from '@orders/db';
import { createTestDatabase, dropDatabaseNamedBy } from '@orders/db/testing';
import { startApp, type RunningApp } from './app.js';
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

/** The messages of the log lines a logger writes to it. */
class LogCapture extends Writable {
  private readonly lines: string[] = [];
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString());
    done();
  }
  messages(): string[] {
    return this.lines.map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
  }
}

/** A port nothing listens on now (the OS picks it), for a server whose URL is needed early. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `/readyz` until it answers 200; rethrows if the start fails, fails if it ends unready. */
async function untilReady(url: string, starting: Promise<RunningApp>): Promise<void> {
  const start = { settled: false };
  const settle = () => (start.settled = true);
  starting.then(settle, settle);
  for (;;) {
    const settledBefore = start.settled;
    const status = await fetch(`${url}/readyz`).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => undefined, // not listening yet
    );
    if (status === 200) return;
    if (settledBefore) {
      await starting;
      throw new Error(`startApp resolved, and /readyz answers ${status ?? 'nothing'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

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

  it('answers its first /readyz 200 with the demo catalogue and admin already in place', async () => {
    // startApp is polled while it runs, not awaited: a seed written after listen() would let a
    // poll see 200 while the catalogue is still empty.
    const db = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'orders-ready-'));
    const port = await freePort();
    const config = {
      ...loadConfig({ NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'silent' }),
      databaseUrl: db.url,
      jwtSecret: TEST_JWT_SECRET,
      dataDir,
    };
    const starting = startApp(config, silent);
    try {
      const url = `http://127.0.0.1:${port}`;
      await untilReady(url, starting);
      const products = await createTestClient(url).products.list.query();
      const file = await readFile(join(dataDir, 'demo-admin.json'), 'utf8').catch(() => '{}');
      const admin = JSON.parse(file) as { email: string; password: string };
      const role = await createTestClient(url)
        .auth.login.mutate(admin)
        .then(
          (session) => session.user.role,
          () => 'no admin',
        );
      expect(products).toHaveLength(10);
      expect(role).toBe('ADMIN');
    } finally {
      await (await starting).close();
      await db.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('starts a fresh embedded data dir from the migrated seed: it runs no migration', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'orders-seeded-'));
    const logs = new LogCapture();
    const startedAt = new Date();
    const app = await startApp(
      { ...loadConfig({ NODE_ENV: 'test', PORT: '0' }), jwtSecret: TEST_JWT_SECRET, dataDir },
      { logger: pino({ level: 'info' }, logs) },
    );
    try {
      expect(logs.messages()).toContain('embedded database started');
      expect(logs.messages()).not.toContain('migrations applied');
      // Every migration is recorded, each by the build that made the seed, none by this start.
      const { migrator } = app.services.orm;
      expect(await migrator.getPendingMigrations()).toEqual([]);
      const recorded = await migrator.getExecutedMigrations();
      expect(recorded.length).toBeGreaterThan(0);
      for (const { name, executed_at } of recorded)
        expect(executed_at < startedAt, name).toBe(true);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
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
