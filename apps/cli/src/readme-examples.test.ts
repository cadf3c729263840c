import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './testing/build-cli.js';
import { startDevServer, type DevServer } from './testing/dev-server.js';
import {
  examplesScript,
  outputOf,
  passwordVariable,
  readmeExamples,
  splitComment,
  type ReadmeExample,
} from './testing/readme-examples.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The sections whose examples are run: the Quickstart and the CLI's, subsections included. */
const SECTIONS = ['Quickstart', 'CLI: `ordersctl`'];
/** The password the examples' customer types at the prompts. */
const CUSTOMER_PASSWORD = 'correct-horse-9';

// The examples take ids out of `--json` output with jq, as a script would. CI must have it;
// elsewhere the run says it skipped, as the tmux and chromium suites do.
const hasJq = spawnSync('jq', ['--version'], { stdio: 'ignore' }).status === 0;
const runnable = hasJq || process.env.CI !== undefined;
const title = runnable
  ? "the README's ordersctl examples, run against a fresh `pnpm start`"
  : "the README's ordersctl examples — SKIPPED: jq is not installed";

const readme = () => readFile(join(REPO, 'README.md'), 'utf8');

/**
 * The PATH of someone who has not set anything up: no `node_modules/.bin` (vitest's runner put
 * the repository's there), but node, bash and jq.
 */
const plainPath = [
  dirname(process.execPath),
  ...(process.env.PATH ?? '/usr/bin:/bin')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules')),
].join(delimiter);

describe("the README's examples", () => {
  it('are the commands of the sh and console blocks that run ordersctl, never the synopsis', () => {
    const markdown = [
      '## Quickstart',
      '```sh',
      'pnpm install && pnpm start     # not an example: it runs no ordersctl',
      '```',
      '```sh',
      'export PATH="$PWD/node_modules/.bin:$PATH"   # ordersctl on the PATH',
      '# a comment line',
      'ordersctl login --email ann@example.com      # asks for the password',
      '```',
      '## CLI: `ordersctl`',
      '```',
      'ordersctl order list [--status S] [--limit N] [--cursor C]',
      '```',
      '### `pay`',
      '```console',
      '$ ordersctl pay "$ORDER" --card 4100000000000019 --exp 12/34 --cvc 123   # exit 4',
      'error: payment rejected # output, not a command',
      '```',
      '## Demo',
      '```console',
      '$ ordersctl order create --item DEMO-TEE=50',
      '```',
    ].join('\n');
    expect(readmeExamples(markdown, SECTIONS)).toEqual([
      {
        command: 'export PATH="$PWD/node_modules/.bin:$PATH"   # ordersctl on the PATH',
        line: 6,
        exitCode: 0,
      },
      {
        command: 'ordersctl login --email ann@example.com      # asks for the password',
        line: 8,
        exitCode: 0,
        passwordFor: 'ann@example.com',
      },
      {
        command: 'ordersctl pay "$ORDER" --card 4100000000000019 --exp 12/34 --cvc 123   # exit 4',
        line: 16,
        exitCode: 4,
      },
    ]);
  });

  it('cover the Quickstart and every CLI subsection, and run ordersctl itself, not `pnpm ordersctl`', async () => {
    const examples = readmeExamples(await readme(), SECTIONS);
    const commands = examples.map((e) => e.command);
    expect(commands[0]).toMatch(/^export PATH="\$PWD\/node_modules\/\.bin:\$PATH"/);
    for (const verb of [
      'signup',
      'login',
      'whoami',
      'products',
      'inventory adjust',
      'inventory set',
      'order create',
      'order list',
      'pay',
      'ledger',
      'ledger verify',
      'refund',
      'events',
      'webhooks add',
      'webhooks list',
      'webhooks deliveries',
      'webhooks listen',
    ]) {
      expect(
        commands.some((c) => c.includes(`ordersctl ${verb} `) || c.endsWith(`ordersctl ${verb}`)),
        verb,
      ).toBe(true);
    }
    // `pnpm ordersctl` writes pnpm's banner into stdout: no example may run it that way.
    const code = commands.map((c) => splitComment(c).code);
    expect(code.filter((c) => /\bpnpm\b/.test(c))).toEqual([]);
    expect(commands.filter((c) => c.includes('[--'))).toEqual([]);
  });
});

describe('ordersctl run through `pnpm exec`, the other way the README gives', () => {
  it('leaves stdout to ordersctl and passes its exit code on, even when it fails', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ordersctl-exec-'));
    try {
      const env = { HOME: home, XDG_CONFIG_HOME: home };
      const version = await bash('pnpm exec ordersctl --version', env);
      expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      // Not logged in: exit 3, the error line on stderr, and nothing at all on stdout.
      const failed = await bash('pnpm exec ordersctl --json whoami; echo "0 $?" >&3', env);
      expect(failed).toMatchObject({ stdout: '', codes: new Map([[0, 3]]) });
      expect(failed.stderr).toBe('error: not logged in — run `ordersctl login`\n');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!runnable)(title, () => {
  let server: DevServer;
  let home: string;

  beforeAll(async () => {
    await buildCli();
    [server, home] = await Promise.all([
      startDevServer(),
      mkdtemp(join(tmpdir(), 'ordersctl-readme-')),
    ]);
  });
  afterAll(async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("put this checkout's ordersctl on the PATH, the way the Quickstart says", async () => {
    const setup = readmeExamples(await readme(), SECTIONS).find((e) =>
      e.command.startsWith('export PATH='),
    );
    const found = await bash(`${setup?.command ?? ''}\ncommand -v ordersctl\n`, {});
    expect(found.stdout.trim()).toBe(join(REPO, 'node_modules/.bin/ordersctl'));
  });

  it('run in order, as written, against a fresh `pnpm start`, each ending with the exit code the README gives it', async () => {
    const examples = readmeExamples(await readme(), SECTIONS);
    const admin = await server.demoAdmin();
    const passwords = Object.fromEntries(
      examples.flatMap((e) =>
        e.passwordFor === undefined
          ? []
          : [
              [
                passwordVariable(e.passwordFor),
                e.passwordFor === admin.email ? admin.password : CUSTOMER_PASSWORD,
              ],
            ],
      ),
    );
    const run = await bash(examplesScript(examples), {
      HOME: home,
      XDG_CONFIG_HOME: home,
      ORDERSCTL_SERVER: server.url,
      ...passwords,
    });
    const said = (e: ReadmeExample) => `README line ${e.line}: ${e.command}`;
    const outcomes = examples.map((e, i) => `${said(e)} → exit ${run.codes.get(i) ?? 'never ran'}`);
    const expected = examples.map((e) => `${said(e)} → exit ${e.exitCode}`);
    const report = examples
      .filter((e, i) => run.codes.get(i) !== e.exitCode)
      .map((e) => {
        const i = examples.indexOf(e);
        return `${said(e)}\n--- stdout\n${outputOf(run.stdout, i)}\n--- stderr\n${outputOf(run.stderr, i)}`;
      });
    expect(outcomes, [...report, `--- server log\n${server.log()}`].join('\n\n')).toEqual(expected);
  }, 240_000);
});

interface BashRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Example index → its exit code, as the script wrote them to fd 3. */
  readonly codes: Map<number, number>;
}

/** `bash` on `script` at the repository root, stdin closed, with `plainPath` and `env` only. */
function bash(script: string, env: Readonly<Record<string, string>>): Promise<BashRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      cwd: REPO,
      env: { PATH: plainPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      timeout: 180_000,
    });
    const [stdout, stderr, codes] = [1, 2, 3].map((fd) => collect(child.stdio[fd]));
    child.on('error', reject);
    child.on('close', () => {
      const pairs = (codes?.() ?? '')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split(' ').map(Number) as [number, number]);
      resolve({ stdout: stdout?.() ?? '', stderr: stderr?.() ?? '', codes: new Map(pairs) });
    });
  });
}

/** Everything `stream` delivers, as text so far. */
function collect(stream: Readable | Writable | null | undefined): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}
