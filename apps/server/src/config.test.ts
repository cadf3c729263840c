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
