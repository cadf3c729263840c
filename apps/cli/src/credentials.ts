import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** What `login` keeps between runs. The token is a bearer secret: the file is 0600 in a 0700 dir. */
export interface StoredCredentials {
  /** The server that issued the token; it is never sent anywhere else. */
  readonly server: string;
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly email: string; readonly role: string };
}

/** `<configDir>/ordersctl/credentials.json` (configDir: `$XDG_CONFIG_HOME` or `~/.config`). */
export function credentialsPath(configDir: string): string {
  return join(configDir, 'ordersctl', 'credentials.json');
}

/**
 * Writes atomically: a reader sees the old file or the new one, never half of either, and a
 * crash leaves at most a stray temp file. The temp file is created 0600, so the token is never
 * readable by others, not even for a moment.
 */
export async function saveCredentials(path: string, credentials: StoredCredentials): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700); // mkdir leaves an existing directory's mode alone
  const temp = join(dir, `.credentials-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.chmod(0o600); // the umask can only narrow the mode; make it exact
      await file.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** The saved login, or `undefined` when there is none or it cannot be used. */
export async function loadCredentials(path: string): Promise<StoredCredentials | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    return parseCredentials(JSON.parse(raw));
  } catch {
    return undefined; // a corrupt file is no login; `login` overwrites it
  }
}

/** Removes the saved login. `false` when there was none. */
export async function deleteCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function parseCredentials(value: unknown): StoredCredentials | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { server, accessToken, expiresAt, user } = value as Record<string, unknown>;
  if (
    typeof server !== 'string' ||
    typeof accessToken !== 'string' ||
    typeof expiresAt !== 'string'
  ) {
    return undefined;
  }
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, email, role } = user as Record<string, unknown>;
  if (typeof id !== 'string' || typeof email !== 'string' || typeof role !== 'string')
    return undefined;
  return { server, accessToken, expiresAt, user: { id, email, role } };
}

/** Makes the rename durable too. Not every platform can open a directory; that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
