import { startTestServer, TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials } from '../credentials.js';
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

async function logIn(sandbox: Sandbox, email: string, password: string): Promise<void> {
  const result = await sandbox.run(
    ['--server', server.url, 'login', '--email', email, '--password-stdin'],
    {
      stdin: `${password}\n`,
    },
  );
  expect(result.code).toBe(0);
}

describe('ordersctl whoami', () => {
  it('prints the email, name, role and id of the logged-in user', async () => {
    await logIn(cli, TEST_ADMIN.email, TEST_ADMIN.password);
    const result = await cli.run(['--server', server.url, 'whoami']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('email  admin@test.local');
    expect(lines[1]).toMatch(/^name {3}\S/);
    expect(lines[2]).toBe('role   ADMIN');
    expect(lines[3]).toMatch(/^id {5}\S+$/);
  });

  it('prints with --json exactly the user the API returns, and nothing else on stdout', async () => {
    const password = 'customer-password-1';
    const signup = await cli.run(
      [
        '--server',
        server.url,
        '--json',
        'signup',
        '--email',
        'json@test.local',
        '--name',
        'Jay',
        '--password-stdin',
      ],
      { stdin: `${password}\n` },
    );
    expect(signup.code).toBe(0);
    const created: unknown = JSON.parse(signup.stdout);
    await logIn(cli, 'json@test.local', password);

    const result = await cli.run(['--server', server.url, 'whoami', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const me: unknown = JSON.parse(result.stdout);
    expect(me).toEqual(created);
    expect(Object.keys(me as object).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(me).toMatchObject({ email: 'json@test.local', name: 'Jay', role: 'CUSTOMER' });
  });

  it('exits 3 with a hint to log in when there is no saved login, printing nothing on stdout', async () => {
    const result = await cli.run(['--server', server.url, 'whoami']);
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: 'error: not logged in — run `ordersctl login`\n',
    });
  });

  it('uses ORDERSCTL_TOKEN instead of the saved login', async () => {
    await cli.run(
      ['--server', server.url, 'signup', '--email', 'file@test.local', '--password-stdin'],
      {
        stdin: 'file-password-1\n',
      },
    );
    await logIn(cli, 'file@test.local', 'file-password-1');
    const other = await createSandbox();
    try {
      await logIn(other, TEST_ADMIN.email, TEST_ADMIN.password);
      const adminToken = (await loadCredentials(other.credentialsFile))?.accessToken ?? '';
      const result = await cli.run(['--server', server.url, '--json', 'whoami'], {
        env: { ORDERSCTL_TOKEN: adminToken },
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ email: TEST_ADMIN.email, role: 'ADMIN' });
    } finally {
      await other.dispose();
    }
  });

  it('exits 3 when ORDERSCTL_TOKEN is not a valid token', async () => {
    const result = await cli.run(['--server', server.url, 'whoami'], {
      env: { ORDERSCTL_TOKEN: 'a.b.c' },
    });
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: 'error: not logged in — run `ordersctl login`\n',
    });
  });

  it('exits 3 and says the login expired when the token has', async () => {
    await logIn(cli, TEST_ADMIN.email, TEST_ADMIN.password);
    const saved = await loadCredentials(cli.credentialsFile);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const { token } = await server.services.tokens.issue(
      { userId: saved?.user.id ?? '', role: 'ADMIN' },
      twoHoursAgo,
    );
    const result = await cli.run(['--server', server.url, 'whoami'], {
      env: { ORDERSCTL_TOKEN: token },
    });
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: 'error: your login has expired — run `ordersctl login`\n',
    });
  });

  it('never sends a saved token to a server other than the one that issued it', async () => {
    await logIn(cli, TEST_ADMIN.email, TEST_ADMIN.password);
    // Port 9 (discard) on loopback: nothing would answer, but no request is even attempted.
    const result = await cli.run(['--server', 'http://127.0.0.1:9', 'whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `error: not logged in to http://127.0.0.1:9 (the saved login is for ${server.url}) — run \`ordersctl login\`\n`,
    );
  });

  it('accepts the global options after the command name too', async () => {
    await logIn(cli, TEST_ADMIN.email, TEST_ADMIN.password);
    const result = await cli.run(['whoami', '--json', '--server', `${server.url}/`]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ email: TEST_ADMIN.email });
  });
});
