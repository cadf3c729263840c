import { existsSync } from 'node:fs';
import { startTestServer, TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, neverEndingStdin, type Sandbox } from '../testing/run-cli.js';

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

const signup = (flags: readonly string[], stdin = 'a-good-password\n') =>
  cli.run(['--server', server.url, 'signup', ...flags], { stdin });

describe('ordersctl signup', () => {
  it('creates a customer account and says to log in next, without logging in', async () => {
    const result = await signup(['--email', 'ann@test.local', '--name', 'Ann', '--password-stdin']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Created account ann@test.local (CUSTOMER)');
    expect(lines[1]).toMatch(/^id {4}\S+$/);
    expect(lines[2]).toBe('name  Ann');
    expect(lines.at(-1)).toBe('Now run `ordersctl login` to sign in.');
    expect(existsSync(cli.credentialsFile)).toBe(false);
  });

  it('prints with --json exactly the created user', async () => {
    const result = await signup(['--json', '--email', 'Bob@Test.local', '--password-stdin']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const user = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(user).toMatchObject({ email: 'bob@test.local', name: '', role: 'CUSTOMER' });
    expect(new Date(String(user.createdAt)).toISOString()).toBe(user.createdAt);
  });

  it('exits 2 when the email is already taken', async () => {
    const result = await signup(['--email', TEST_ADMIN.email, '--password-stdin']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: an account with that email already exists — run `ordersctl login`\n',
    });
  });

  it('exits 2 and names the field when the server refuses the input', async () => {
    const result = await signup(['--email', 'not-an-email', '--password-stdin']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: invalid input — email: .+\n$/);
  });

  it('exits 2 when the password is too short', async () => {
    const result = await signup(['--email', 'short@test.local', '--password-stdin'], 'short\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: invalid input — password: .+\n$/);
  });

  it('exits 2 at once, naming --email, when the email is missing and there is no terminal', async () => {
    const started = performance.now();
    const result = await cli.run(['--server', server.url, 'signup'], { stdin: neverEndingStdin() });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: missing email — pass --email <email> (no terminal to ask on)\n',
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('exits 2, naming --password-stdin, when the password is missing and there is no terminal', async () => {
    const result = await cli.run(['--server', server.url, 'signup', '--email', 'x@test.local'], {
      stdin: neverEndingStdin(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: missing password — pass --password-stdin and the password on stdin (no terminal to ask on)\n',
    );
  });

  it('exits 2 when --password-stdin finds nothing on stdin', async () => {
    const result = await signup(['--email', 'empty@test.local', '--password-stdin'], '');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no password on stdin (--password-stdin reads the first line)\n',
    });
  });
});
