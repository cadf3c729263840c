import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { resolveJwtSecret } from './jwt-secret.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'orders-secret-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('resolveJwtSecret', () => {
  it('uses the configured secret as it is', async () => {
    const config = loadConfig({ JWT_SECRET: 's'.repeat(40), ORDERS_DATA_DIR: dataDir });
    expect(await resolveJwtSecret(config)).toBe('s'.repeat(40));
  });

  it('generates a strong secret in development and keeps it, readable by the owner only', async () => {
    const config = loadConfig({ ORDERS_DATA_DIR: dataDir });
    const first = await resolveJwtSecret(config);
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(await readFile(join(dataDir, 'jwt-secret'), 'utf8')).toBe(first);
    expect((await stat(join(dataDir, 'jwt-secret'))).mode & 0o777).toBe(0o600);
    expect(await resolveJwtSecret(config)).toBe(first);
  });
});
