import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveCredentials } from '../credentials.js';
import { createSandbox, type Sandbox } from '../testing/run-cli.js';

let cli: Sandbox;

beforeEach(async () => {
  cli = await createSandbox();
  await saveCredentials(cli.credentialsFile, {
    server: 'http://localhost:4000',
    accessToken: 'a.b.c',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    user: { id: 'u1', email: 'ann@test.local', role: 'CUSTOMER' },
  });
});
afterEach(async () => {
  await cli.dispose();
});

describe('ordersctl logout', () => {
  it('deletes the saved login and says where it was', async () => {
    const result = await cli.run(['logout']);
    expect(result).toEqual({
      code: 0,
      stdout: `Logged out (removed ${cli.credentialsFile})\n`,
      stderr: '',
    });
    expect(existsSync(cli.credentialsFile)).toBe(false);
  });

  it('succeeds again when already logged out, and says so', async () => {
    await cli.run(['logout']);
    const result = await cli.run(['logout']);
    expect(result).toEqual({
      code: 0,
      stdout: 'Already logged out (no saved login)\n',
      stderr: '',
    });
  });

  it('leaves whoami with nothing to use: exit 3', async () => {
    await cli.run(['logout']);
    expect((await cli.run(['whoami'])).code).toBe(3);
  });

  it('prints with --json whether a login was removed', async () => {
    const first = await cli.run(['logout', '--json']);
    const second = await cli.run(['logout', '--json']);
    expect(JSON.parse(first.stdout)).toEqual({ loggedOut: true, removed: true });
    expect(JSON.parse(second.stdout)).toEqual({ loggedOut: true, removed: false });
  });

  it('warns that ORDERSCTL_TOKEN still applies when it is set', async () => {
    const result = await cli.run(['logout'], { env: { ORDERSCTL_TOKEN: 'x.y.z' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('note: ORDERSCTL_TOKEN is still set and still logs you in\n');
  });
});
