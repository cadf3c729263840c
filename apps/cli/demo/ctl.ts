import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { command, expectThat, Surprise } from './transcript.js';

export interface CtlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived: what a person at the terminal saw. */
  readonly output: string;
}

/** One user of the real `ordersctl` binary: their own config dir (and so their own login). */
export interface Ctl {
  /** Runs `ordersctl <argv>`, prints it and its output in the transcript. */
  run(argv: readonly string[], options?: { stdin?: string; note?: string }): Promise<CtlResult>;
  /** Runs `ordersctl --json <argv>` quietly (a check, not part of the story); exit 0 expected. */
  json<T>(argv: readonly string[]): Promise<T>;
  /**
   * Starts `ordersctl <argv>` in the background (a live tail); `stop` sends it Ctrl-C (SIGINT),
   * then prints it and its output in the transcript, as `run` does.
   */
  start(
    argv: readonly string[],
    options?: { note?: string; readyWhen?: string },
  ): { ready: Promise<void>; stop(): Promise<CtlResult> };
}

export function createCtl(root: string, env: Readonly<Record<string, string>>): Ctl {
  const main = join(root, 'apps/cli/dist/main.js');
  const exec = (
    argv: readonly string[],
    stdin = '',
    started?: (child: ReturnType<typeof spawn>) => void,
  ) =>
    new Promise<CtlResult>((resolve, reject) => {
      const child = spawn(process.execPath, [main, ...argv], { env: { ...env }, timeout: 90_000 });
      started?.(child);
      let stdout = '';
      let stderr = '';
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        output += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        output += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === null)
          reject(new Surprise(`ordersctl ${argv.join(' ')} was killed (${signal ?? '?'})`));
        else resolve({ code, stdout, stderr, output });
      });
      child.stdin.end(stdin);
    });
  const show = (argv: readonly string[], result: CtlResult, note?: string) => {
    // The error line is the last thing ordersctl writes; the pipes may deliver it earlier.
    const lines = result.output.replace(/\n+$/, '').split('\n');
    const errors = lines.filter((l) => l.startsWith('error: '));
    const rest = lines.filter((l) => !l.startsWith('error: '));
    command(argv, [...rest, ...errors].join('\n'), note);
  };
  return {
    async run(argv, options = {}) {
      const result = await exec(argv, options.stdin);
      show(argv, result, options.note);
      return result;
    },
    start(argv, options = {}) {
      let child: ReturnType<typeof spawn> | undefined;
      let heard = '';
      let onReady = () => {};
      const ready = new Promise<void>((resolve) => {
        onReady = resolve;
      });
      const running = exec(argv, '', (spawned) => {
        child = spawned;
        spawned.stderr?.on('data', (chunk: Buffer) => {
          heard += chunk.toString('utf8');
          if (options.readyWhen === undefined || heard.includes(options.readyWhen)) onReady();
        });
      });
      return {
        ready,
        async stop() {
          child?.kill('SIGINT');
          const result = await running;
          show(argv, result, options.note);
          return result;
        },
      };
    },
    async json<T>(argv: readonly string[]) {
      const result = await exec(['--json', ...argv]);
      if (result.code !== 0) {
        throw new Surprise(
          `ordersctl --json ${argv.join(' ')} exited ${result.code}: ${result.stderr.trim()}`,
        );
      }
      return JSON.parse(result.stdout) as T;
    },
  };
}

/** The exit code a step must end with, checked and printed. */
export function expectExit(result: CtlResult, code: number, meaning: string): void {
  expectThat(
    result.code === code,
    `exit ${code} (${meaning})`,
    () => `exited ${result.code}; stderr: ${result.stderr.trim()}`,
  );
}

/** The first order id in a command's human output. */
export function orderIdIn(result: CtlResult): string {
  const id = /^order +([0-9a-f-]{36})$/m.exec(result.stdout)?.[1];
  if (id === undefined) throw new Surprise(`no order id in:\n${result.stdout}`);
  return id;
}
