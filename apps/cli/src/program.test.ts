import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, refusingServerUrl, type Sandbox } from './testing/run-cli.js';

let cli: Sandbox;
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

beforeEach(async () => {
  cli = await createSandbox();
});
afterEach(async () => {
  await cli.dispose();
});

describe('the ordersctl program', () => {
  it('prints the package.json version with --version', async () => {
    expect(await cli.run(['--version'])).toEqual({
      code: 0,
      stdout: `${manifest.version}\n`,
      stderr: '',
    });
  });

  it('lists the commands, global options, examples and exit codes with --help', async () => {
    const result = await cli.run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const text of [
      'signup',
      'login',
      'logout',
      'whoami',
      'products',
      'inventory',
      'order',
      'pay [options] <orderId>',
      'ledger',
      'refund [options] <orderId>',
      '--server <url>',
      '--json',
      '--no-color',
      '--verbose',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('3 not logged in');
  });

  it('shows examples in each command help', async () => {
    const result = await cli.run(['login', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--password-stdin');
    expect(result.stdout).toContain('$ ordersctl login');
    const commands = [
      ['products'],
      ['inventory', 'set'],
      ['inventory', 'adjust'],
      ['order', 'create'],
      ['order', 'list'],
      ['order', 'show'],
      ['order', 'cancel'],
      ['pay'],
      ['ledger'],
      ['ledger', 'verify'],
      ['refund'],
    ];
    for (const command of commands) {
      const help = await cli.run([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`$ ordersctl ${command.join(' ')}`);
    }
  });

  it('lists the subcommands of a command group', async () => {
    const order = await cli.run(['order', '--help']);
    for (const sub of ['create', 'list', 'show', 'cancel']) expect(order.stdout).toContain(sub);
    const inventory = await cli.run(['inventory', '--help']);
    expect(inventory.stdout).toMatch(/set \[options\] <sku>[\s\S]*adjust \[options\] <sku>/);
  });

  it('exits 2 when a command group is given no subcommand', async () => {
    const result = await cli.run(['order']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('Usage: ordersctl order');
  });

  it('shows the help on stderr and exits 2 when no command is given', async () => {
    const result = await cli.run([]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('Usage: ordersctl');
  });

  it('exits 2 with one line for an unknown command, suggesting the near one', async () => {
    expect(await cli.run(['logn'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'logn' (Did you mean login?) — see `ordersctl --help`\n",
    });
  });

  it('exits 2 with one line for an unknown option', async () => {
    expect(await cli.run(['whoami', '--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown option '--bogus' — see `ordersctl --help`\n",
    });
  });

  it('exits 2 for a server URL that is not http(s)', async () => {
    const result = await cli.run(['--server', 'localhost:4000', 'whoami']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: invalid server URL "localhost:4000" — .+\n$/);
  });

  it('takes the server from ORDERSCTL_SERVER when --server is not given', async () => {
    const server = await refusingServerUrl();
    const result = await cli.run(['signup', '--email', 'a@test.local', '--password-stdin'], {
      env: { ORDERSCTL_SERVER: server },
      stdin: 'a-good-password\n',
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`cannot reach the server at ${server} (`);
  });

  it('exits 5 naming the URL when the server is unreachable, with stdout empty even with --json', async () => {
    const server = await refusingServerUrl();
    const argv = ['--json', '--server', server, 'login', '--email', 'a@b.c', '--password-stdin'];
    expect(await cli.run(argv, { stdin: 'pw\n' })).toEqual({
      code: 5,
      stdout: '',
      stderr: `error: cannot reach the server at ${server} (connection refused) — is it running? set --server or ORDERSCTL_SERVER\n`,
    });
  });
});
