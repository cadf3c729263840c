import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_SECRET_BYTES, type Config } from '../config.js';

const SECRET_FILE = 'jwt-secret';

/**
 * The configured secret; outside production, without one, a random secret generated on first
 * start and kept (mode 0600) in the data dir so tokens survive a restart.
 */
export async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  if (config.env === 'production') throw new Error('JWT_SECRET is required in production');
  const path = join(config.dataDir, SECRET_FILE);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined && Buffer.byteLength(existing.trim()) >= MIN_SECRET_BYTES) {
    return existing.trim();
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(path, secret, { mode: 0o600 });
  return secret;
}
