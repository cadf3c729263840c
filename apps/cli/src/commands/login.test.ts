import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startTestServer, TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../testing/run-cli.js';

let server: TestServer;
let cli: Sandbox;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  cli = await createSandbox();
});
afterEach(async () => {
  await cli.dispose();
});

const login = (flags: readonly string[], stdin = `${TEST_ADMIN.password}\n`) =>
  cli.run(['--server', server.url, 'login', ...flags, '--password-stdin'], { stdin });

describe('ordersctl login', () => {
  it('says who is logged in and saves the token for this server', async () => {
    const result = await login(['--email', TEST_ADMIN.email]);
    expect(result).toEqual({
      code: 0,
      stdout: 'Logged in as admin@test.local (ADMIN)\n',
      stderr: '',
    });
    const saved = JSON.parse(await readFile(cli.credentialsFile, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(saved).sort()).toEqual(['accessToken', 'expiresAt', 'server', 'user']);
    expect(saved).toMatchObject({
      server: server.url,
      user: { email: TEST_ADMIN.email, role: 'ADMIN' },
    });
    expect(saved.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(String(saved.expiresAt))).toBeGreaterThan(Date.now());
  });

  it('keeps the token file private: mode 0600 in a 0700 directory, no temp file left behind', async () => {
    await login(['--email', TEST_ADMIN.email]);
    await login(['--email', TEST_ADMIN.email]); // overwriting keeps it so
    expect((await stat(cli.credentialsFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(cli.credentialsFile))).mode & 0o777).toBe(0o700);
    expect(await readdir(dirname(cli.credentialsFile))).toEqual(['credentials.json']);
  });

  it('prints with --json the login answer without the token', async () => {
    const result = await login(['--json', '--email', TEST_ADMIN.email]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const shown = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(shown).sort()).toEqual(['expiresAt', 'tokenType', 'user']);
    expect(shown).toMatchObject({
      tokenType: 'Bearer',
      user: { email: TEST_ADMIN.email, role: 'ADMIN' },
    });
    expect(result.stdout).not.toContain('accessToken');
  });

  it('exits 3 with one line for a wrong password, and saves nothing', async () => {
    const result = await login(['--email', TEST_ADMIN.email], 'wrong-password\n');
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'error: wrong email or password\n' });
    expect(existsSync(cli.credentialsFile)).toBe(false);
  });

  it('gives an unknown email the same answer as a wrong password', async () => {
    const result = await login(['--email', 'nobody@test.local'], 'whatever-password\n');
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'error: wrong email or password\n' });
  });

  it('exits 1 with the wait time once the login rate limit is reached', async () => {
    const flags = ['--email', 'limited@test.local'];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await login(flags, 'wrong-password\n')).code).toBe(3);
    }
    const result = await login(flags, 'wrong-password\n');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: too many login attempts — try again in 60 s\n',
    });
  });

  it('reads only the first line of stdin as the password', async () => {
    const result = await login(
      ['--email', TEST_ADMIN.email],
      `${TEST_ADMIN.password}\r\nsecond line\n`,
    );
    expect(result.code).toBe(0);
  });

  it('shows the server, status and domain code with --verbose', async () => {
    const result = await login(['--verbose', '--email', TEST_ADMIN.email], 'wrong-password\n');
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error: wrong email or password');
    expect(lines).toContain('  procedure: auth.login');
    expect(lines).toContain('  status: 401 UNAUTHORIZED');
    expect(lines).toContain('  domain code: AUTH.INVALID_CREDENTIALS');
  });
});
