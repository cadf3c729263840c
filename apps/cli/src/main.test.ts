import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './testing/build-cli.js';
import { BUILT_MAIN, refusingServerUrl, spawnBuilt } from './testing/run-cli.js';

const manifest = JSON.parse(
  await readFile(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};
let server: TestServer;
let configDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  await buildCli();
  server = await startTestServer();
  configDir = await mkdtemp(join(tmpdir(), 'ordersctl-bin-'));
  env = { XDG_CONFIG_HOME: configDir, HOME: configDir, NO_COLOR: '1' };
});
afterAll(async () => {
  await server.close();
  await rm(configDir, { recursive: true, force: true });
});

describe('the built ordersctl binary', () => {
  it('starts with a node shebang', async () => {
    expect((await readFile(BUILT_MAIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints its version and exits 0', async () => {
    const result = await spawnBuilt(['--version'], { env });
    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('signs up, logs in and answers whoami --json with the API user', async () => {
    const creds = ['--email', 'bin@test.local', '--password-stdin'];
    const signup = await spawnBuilt(['--server', server.url, '--json', 'signup', ...creds], {
      env,
      stdin: 'bin-password-1\n',
    });
    expect(signup).toMatchObject({ code: 0, stderr: '' });
    const login = await spawnBuilt(['--server', server.url, 'login', ...creds], {
      env,
      stdin: 'bin-password-1\n',
    });
    expect(login).toMatchObject({ code: 0, stdout: 'Logged in as bin@test.local (CUSTOMER)\n' });
    const whoami = await spawnBuilt(['--server', server.url, 'whoami', '--json'], { env });
    expect(whoami).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(whoami.stdout)).toEqual(JSON.parse(signup.stdout));
  });

  it('exits 3 with the login hint when not logged in', async () => {
    const result = await spawnBuilt(['--server', server.url, 'whoami'], {
      env: { ...env, XDG_CONFIG_HOME: join(configDir, 'empty') },
    });
    expect(result).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'error: not logged in — run `ordersctl login`\n',
    });
  });

  it('exits 2 at once when the email is missing and stdin is a pipe left open', async () => {
    const result = await spawnBuilt(['--server', server.url, 'login'], {
      env,
      keepStdinOpen: true,
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'error: missing email — pass --email <email> (no terminal to ask on)\n',
    );
  });

  it('exits after reading the password line even though the writer keeps the pipe open', async () => {
    const argv = ['--server', server.url, 'login', '--email', TEST_ADMIN.email, '--password-stdin'];
    const result = await spawnBuilt(argv, {
      env,
      stdin: `${TEST_ADMIN.password}\n`,
      keepStdinOpen: true,
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Logged in as admin@test.local (ADMIN)\n' });
  });

  it('exits 0 without a word when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [BUILT_MAIN, '--help'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('exits 5 naming the URL when the server is unreachable', async () => {
    const url = await refusingServerUrl();
    const result = await spawnBuilt(
      ['--server', url, 'login', '--email', TEST_ADMIN.email, '--password-stdin'],
      {
        env,
        stdin: `${TEST_ADMIN.password}\n`,
      },
    );
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`cannot reach the server at ${url} (connection refused)`);
  });
});
