import { createTestDatabase } from '@orders/db/testing';
import { pino } from 'pino';
import { startApp, type RunningApp, type StartOptions } from '../app.js';
import { loadConfig, type Config } from '../config.js';

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-1' } as const;

export interface TestServer extends RunningApp {
  readonly config: Config;
}

/**
 * A real server on a fresh database (embedded, or a new one on TEST_DATABASE_URL), listening on
 * a free port, with a known admin. `close` also drops the database.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent' }),
    databaseUrl: db.url,
    jwtSecret: 'test-secret-that-is-at-least-32-bytes-long!',
    admin: TEST_ADMIN,
    ...overrides,
  };
  try {
    const app = await startApp(config, { logger: pino({ level: 'silent' }), ...options });
    return {
      ...app,
      config,
      async close() {
        await app.close();
        await db.dispose();
      },
    };
  } catch (error) {
    await db.dispose();
    throw error;
  }
}
