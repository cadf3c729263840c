import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const strongSecret = 'x'.repeat(32);

describe('loadConfig', () => {
  it('gives development defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      jwtSecret: undefined,
      logLevel: 'info',
      admin: undefined,
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(4000);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '-1' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough' }, /ADMIN_EMAIL/],
    [{ ADMIN_EMAIL: 'a@b.io' }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET: must be at least 32 bytes/],
  ])('refuses %o with a readable message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses to run in production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required in production/,
    );
  });

  it('accepts production with a 32-byte secret', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strongSecret }).jwtSecret).toBe(
      strongSecret,
    );
  });

  it('never echoes a refused secret in its message', () => {
    expect(() => loadConfig({ JWT_SECRET: 'hunter2-secret' })).not.toThrow(/hunter2/);
  });

  it('normalises the admin email', () => {
    const config = loadConfig({ ADMIN_EMAIL: 'Root@Example.COM', ADMIN_PASSWORD: 'long-enough' });
    expect(config.admin).toEqual({ email: 'root@example.com', password: 'long-enough' });
  });
});

describe('ORDER_TTL', () => {
  it('defaults to 15 minutes, in milliseconds', () => {
    expect(loadConfig({}).orderTtlMs).toBe(900_000);
  });

  it('accepts a value of at least one second', () => {
    expect(loadConfig({ ORDER_TTL: '1000' }).orderTtlMs).toBe(1000);
  });

  it.each(['999', '1.5', 'soon', '-1'])('refuses ORDER_TTL=%s', (value) => {
    expect(() => loadConfig({ ORDER_TTL: value })).toThrow(/ORDER_TTL/);
  });
});

describe('the fraud rules that count history', () => {
  it("keep DESIGN's thresholds in production and in the tests", () => {
    for (const env of [
      { NODE_ENV: 'production', JWT_SECRET: strongSecret },
      { NODE_ENV: 'test' },
    ]) {
      expect(loadConfig(env).payments).toMatchObject({
        fraudUserVelocityMax: 5,
        fraudCardSharedMax: 3,
      });
    }
  });

  it('are relaxed in development, so the README’s test cards never trip them', () => {
    expect(loadConfig({}).payments).toMatchObject({
      fraudUserVelocityMax: 1000,
      fraudCardSharedMax: 1000,
    });
  });

  it('take FRAUD_USER_VELOCITY_MAX and FRAUD_CARD_SHARED_MAX in any environment', () => {
    const env = { FRAUD_USER_VELOCITY_MAX: '7', FRAUD_CARD_SHARED_MAX: '2' };
    expect(loadConfig(env).payments).toMatchObject({
      fraudUserVelocityMax: 7,
      fraudCardSharedMax: 2,
    });
    expect(() => loadConfig({ FRAUD_CARD_SHARED_MAX: '0' })).toThrow(/FRAUD_CARD_SHARED_MAX/);
  });
});

describe('the fast paths', () => {
  it('are on by default and switch off one by one', () => {
    expect(loadConfig({}).fastPaths).toEqual({ catalogueMemory: true, trpc: true });
    expect(loadConfig({ CATALOGUE_MEMORY: 'false' }).fastPaths).toEqual({
      catalogueMemory: false,
      trpc: true,
    });
    expect(loadConfig({ TRPC_FAST_PATH: 'false' }).fastPaths).toEqual({
      catalogueMemory: true,
      trpc: false,
    });
    expect(() => loadConfig({ TRPC_FAST_PATH: 'off' })).toThrow(
      /TRPC_FAST_PATH: must be true or false/,
    );
  });
});

describe('the events outbox', () => {
  it('keeps events 30 days and polls for new ones every 250 ms by default', () => {
    expect(loadConfig({}).events).toEqual({ retentionDays: 30, pollMs: 250 });
  });

  it('takes EVENT_RETENTION_DAYS and EVENT_POLL_MS', () => {
    expect(loadConfig({ EVENT_RETENTION_DAYS: '1', EVENT_POLL_MS: '50' }).events).toEqual({
      retentionDays: 1,
      pollMs: 50,
    });
  });

  it.each(['0', '1.5', 'forever', '-3'])('refuses EVENT_RETENTION_DAYS=%s', (value) => {
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: value })).toThrow(/EVENT_RETENTION_DAYS/);
  });

  it.each(['0', '5', '60001', 'often'])('refuses EVENT_POLL_MS=%s', (value) => {
    expect(() => loadConfig({ EVENT_POLL_MS: value })).toThrow(/EVENT_POLL_MS/);
  });
});

describe('the relay to NATS JetStream', () => {
  it('is off by default, with stream ORDERS and subjects orders.<type>', () => {
    expect(loadConfig({}).nats).toEqual({
      url: undefined,
      stream: 'ORDERS',
      subjectPrefix: 'orders',
    });
  });

  it('takes NATS_URL, NATS_STREAM and NATS_SUBJECT_PREFIX', () => {
    const env = {
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM: 'ORDERS_TEST_1',
      NATS_SUBJECT_PREFIX: 'test.orders',
    };
    expect(loadConfig(env).nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'ORDERS_TEST_1',
      subjectPrefix: 'test.orders',
    });
  });

  it.each(['ORD.ERS', 'ORD ERS', 'ORDERS>', 'a/b'])('refuses NATS_STREAM=%s', (value) => {
    expect(() => loadConfig({ NATS_STREAM: value })).toThrow(/NATS_STREAM/);
  });

  it.each(['orders.>', 'orders.*', '.orders', 'orders.', 'or ders'])(
    'refuses NATS_SUBJECT_PREFIX=%s',
    (value) => {
      expect(() => loadConfig({ NATS_SUBJECT_PREFIX: value })).toThrow(/NATS_SUBJECT_PREFIX/);
    },
  );
});

describe('webhooks', () => {
  it('default to a 10 s timeout, disabling after 20 failures, public https only, ~3 days of retries', () => {
    const { webhooks } = loadConfig({});
    expect(webhooks).toMatchObject({ timeoutMs: 10_000, disableAfter: 20, allowPrivate: false });
    expect(webhooks.retrySchedule.slice(0, 2)).toEqual([5_000, 300_000]);
  });

  it('take WEBHOOK_TIMEOUT_MS, WEBHOOK_DISABLE_AFTER, WEBHOOK_ALLOW_PRIVATE, WEBHOOK_RETRY_SCHEDULE', () => {
    const env = {
      WEBHOOK_TIMEOUT_MS: '500',
      WEBHOOK_DISABLE_AFTER: '3',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '100, 200,300',
    };
    expect(loadConfig(env).webhooks).toEqual({
      timeoutMs: 500,
      disableAfter: 3,
      allowPrivate: true,
      retrySchedule: [100, 200, 300],
    });
  });

  it.each(['1,x', '1,,2', '-5', 'fast'])('refuses WEBHOOK_RETRY_SCHEDULE=%s', (value) => {
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: value })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });

  it('refuses a WEBHOOK_ALLOW_PRIVATE that is not true or false', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });
});

describe('the database connection', () => {
  it('bounds connecting at 5 s and a statement at 30 s by default, and only warns about replication', () => {
    expect(loadConfig({}).db).toEqual({
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
      requireSynchronousCommit: false,
    });
  });

  it('takes DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS (0: no bound) and DB_REQUIRE_SYNCHRONOUS_COMMIT', () => {
    const config = loadConfig({
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '0',
      DB_REQUIRE_SYNCHRONOUS_COMMIT: 'true',
    });
    expect(config.db).toEqual({
      connectTimeoutMs: 1_500,
      statementTimeoutMs: 0,
      requireSynchronousCommit: true,
    });
  });

  it('accepts a libpq host list in DATABASE_URL', () => {
    const url =
      'postgres://app:pw@127.0.0.1:6001,127.0.0.1:6002/postgres?target_session_attrs=read-write&sslmode=prefer';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it('refuses a host list it cannot read, naming the part at fault and never the password', () => {
    const load = () => loadConfig({ DATABASE_URL: 'postgres://app:Sw0rdfish@h1:5432,h2:port/db' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/DATABASE_URL: the port of host 2 of the database URL must be a number/);
    expect(load).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('Sw0rdfish') }),
    );
  });
});
