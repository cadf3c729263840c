import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  credentialsPath,
  deleteCredentials,
  loadCredentials,
  saveCredentials,
  type StoredCredentials,
} from './credentials.js';

let configDir: string;
let file: string;
const sample: StoredCredentials = {
  server: 'http://localhost:4000',
  accessToken: 'header.payload.signature',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', email: 'ann@test.local', role: 'CUSTOMER' },
};

beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'ordersctl-cred-'));
  file = credentialsPath(configDir);
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('live in <config dir>/ordersctl/credentials.json', () => {
    expect(credentialsPath('/home/ann/.config')).toBe(
      '/home/ann/.config/ordersctl/credentials.json',
    );
  });

  it('are saved as 0600 in a 0700 directory and read back as saved', async () => {
    await saveCredentials(file, sample);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700);
    expect(await loadCredentials(file)).toEqual(sample);
  });

  it('tighten a directory that already existed with a looser mode', async () => {
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await saveCredentials(file, sample);
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('replace the previous file whole and leave no temp file behind', async () => {
    await saveCredentials(file, sample);
    await saveCredentials(file, { ...sample, accessToken: 'new.token.value' });
    expect((await loadCredentials(file))?.accessToken).toBe('new.token.value');
    expect(await readdir(dirname(file))).toEqual(['credentials.json']);
  });

  it('count as absent when the file is missing, corrupt or of the wrong shape', async () => {
    expect(await loadCredentials(file)).toBeUndefined();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{ not json');
    expect(await loadCredentials(file)).toBeUndefined();
    await writeFile(file, JSON.stringify({ ...sample, user: { id: 1 } }));
    expect(await loadCredentials(file)).toBeUndefined();
  });

  it('are deleted once; deleting again reports there was nothing', async () => {
    await saveCredentials(file, sample);
    expect(await deleteCredentials(file)).toBe(true);
    expect(await deleteCredentials(file)).toBe(false);
  });
});
