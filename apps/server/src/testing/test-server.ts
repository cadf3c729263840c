import { createTestDatabase, type TestDatabase } from '@orders/db/testing';
import { pino } from 'pino';
import { startApp, type RunningApp, type StartOptions } from '../app.js';
import { loadConfig, type Config } from '../config.js';

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-1' } as const;
export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export interface TestServer extends RunningApp {
  readonly config: Config;
}

/**
 * A real server on a fresh database (embedded, or a new one on TEST_DATABASE_URL), listening on
 * a free port, with a known admin. `close` also drops the database. Pass `databaseUrl` to start a
 * second instance on another server's database (it then leaves the database alone on close).
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const db: TestDatabase | undefined =
    overrides.databaseUrl === undefined ? await createTestDatabase() : undefined;
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent' }),
    databaseUrl: db?.url,
    jwtSecret: TEST_JWT_SECRET,
    admin: TEST_ADMIN,
    ...overrides,
  };
  try {
    const app = await startApp(config, {
      // Silent unless a run asks for the server's log lines (`TEST_LOG=warn pnpm test …`).
      logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
      ...options,
    });
    return {
      ...app,
      config,
      async close() {
        await app.close();
        await db?.dispose();
      },
    };
  } catch (error) {
    await db?.dispose();
    throw error;
  }
}
