import { startTestServer, TEST_ADMIN, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials } from './credentials.js';
import { loadCliEnv } from './env.js';
import { run } from './main.js';
import { fakeTerminal } from './testing/fake-terminal.js';
import { createSandbox, type Sandbox } from './testing/run-cli.js';

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

const envOf = (sandbox: Sandbox) =>
  loadCliEnv({ XDG_CONFIG_HOME: sandbox.configDir, NO_COLOR: '1' });

describe('prompts on a terminal', () => {
  it('ask login for the email and a masked password, then log in', async () => {
    const terminal = fakeTerminal();
    const done = run(['--server', server.url, 'login'], terminal.io, envOf(cli));
    await terminal.answer('Email', TEST_ADMIN.email);
    await terminal.answer('Password', TEST_ADMIN.password);
    expect(await done).toBe(0);
    expect(terminal.screen()).toContain('Logged in as admin@test.local (ADMIN)');
    expect(terminal.screen()).not.toContain(TEST_ADMIN.password);
    expect((await loadCredentials(cli.credentialsFile))?.user.email).toBe(TEST_ADMIN.email);
  });

  it('ask only for what the flags did not give', async () => {
    const terminal = fakeTerminal();
    const done = run(
      ['--server', server.url, 'login', '--email', TEST_ADMIN.email],
      terminal.io,
      envOf(cli),
    );
    await terminal.answer('Password', TEST_ADMIN.password);
    expect(await done).toBe(0);
    expect(terminal.screen()).not.toContain('Email');
  });

  it('ask signup for the password twice and re-ask until the two match', async () => {
    const terminal = fakeTerminal();
    const done = run(
      ['--server', server.url, 'signup', '--email', 'tty@test.local'],
      terminal.io,
      envOf(cli),
    );
    await terminal.answer('Name', 'Tee');
    await terminal.answer('Password', 'tty-password-1');
    await terminal.answer('Confirm password', 'typo-password');
    await terminal.answer('passwords do not match', '\u0015tty-password-1'); // Ctrl-U clears the line
    expect(await done).toBe(0);
    expect(terminal.screen()).toContain('Created account tty@test.local (CUSTOMER)');
  });

  it('are never shown with --json, even on a terminal: a missing value is a usage error', async () => {
    const terminal = fakeTerminal();
    expect(await run(['--server', server.url, '--json', 'login'], terminal.io, envOf(cli))).toBe(2);
    expect(terminal.screen()).toBe('');
    expect(terminal.stderr()).toBe(
      'error: missing email — pass --email <email> (no terminal to ask on)\n',
    );
  });
});
