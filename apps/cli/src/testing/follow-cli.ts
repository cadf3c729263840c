import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BUILT_MAIN, type CliResult } from './run-cli.js';

/** A built `ordersctl` that keeps running (`events --follow`), read line by line as it prints. */
export interface RunningCli {
  /** The stdout lines so far. */
  lines(): readonly string[];
  /** The stderr so far. */
  stderr(): string;
  /** Resolves once `count` stdout lines match `test` (or stderr does, with `on: 'stderr'`). */
  waitFor(
    test: (line: string) => boolean,
    options?: { count?: number; on?: 'stdout' | 'stderr'; timeoutMs?: number },
  ): Promise<void>;
  /**
   * Ctrl-C: SIGINT, then the run's outcome. `times: 2` sends two at once, as `timeout -s INT`
   * does (to the child, then to its process group).
   */
  interrupt(times?: 1 | 2): Promise<CliResult>;
  /** SIGKILL if it is still running (clean-up after a failed test). */
  kill(): void;
}

/**
 * `node dist/main.js <argv>` in a child process with only the variables given (build it first
 * with `buildCli`), its output collected as it comes.
 */
export function startBuiltCli(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): RunningCli {
  const child = spawn(process.execPath, [BUILT_MAIN, ...argv], {
    env: { ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  let stderr = '';
  let changed: () => void = () => undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdoutLines.push(line);
    changed();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    changed();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      resolve(code);
    });
  });
  const describe = () =>
    `stdout:\n${stdoutLines.join('\n')}\nstderr:\n${stderr}\nexit: ${child.exitCode ?? 'running'}`;

  return {
    lines: () => [...stdoutLines],
    stderr: () => stderr,
    waitFor(test, options = {}) {
      const count = options.count ?? 1;
      const matches = () =>
        options.on === 'stderr'
          ? stderr.split('\n').filter(test).length
          : stdoutLines.filter(test).length;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          changed = () => undefined;
          reject(new Error(`timed out waiting for ${count} matching line(s)\n${describe()}`));
        }, options.timeoutMs ?? 20_000);
        changed = () => {
          if (matches() < count) return;
          clearTimeout(timer);
          changed = () => undefined;
          resolve();
        };
        void exited.then(() => {
          if (matches() >= count) return;
          clearTimeout(timer);
          reject(new Error(`ordersctl exited while waited for\n${describe()}`));
        });
        changed();
      });
    },
    async interrupt(times = 1) {
      for (let i = 0; i < times; i += 1) child.kill('SIGINT');
      const code = await exited;
      if (code === null) throw new Error(`ordersctl was killed\n${describe()}`);
      return { code, stdout: stdoutLines.map((l) => `${l}\n`).join(''), stderr };
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
