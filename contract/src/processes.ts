import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A check that did not hold: the run stops with its message (main.ts prints it). */
export class ContractFailure extends Error {
  override readonly name = 'ContractFailure';
}

/** A child process we started, its output kept for when something goes wrong. */
export interface Started {
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 10 s. */
  stop(): Promise<void>;
}

/** A port nothing listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Spawns `command` and resolves once a line of its output gives `urlOf` a URL (the process is
 * ready), or rejects when it exits first or stays silent for `timeoutMs`.
 */
export async function startProcess(options: {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  urlOf: (line: string) => string | undefined;
  timeoutMs: number;
}): Promise<Started> {
  const child = spawn(options.command, options.args, {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new ContractFailure(`${options.name} did not start in ${options.timeoutMs} ms:\n${output}`),
      );
    }, options.timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ContractFailure(`${options.name} exited (${code ?? 'signal'}):\n${output}`));
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output += `${line}\n`;
        const found = options.urlOf(line);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    }
  });
  return { url, output: () => output, stop: () => stop(child, exited) };
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(resolve, 10_000, 'timeout').unref(),
  );
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Runs a command to its end; its output is passed through, and returned. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; quiet?: boolean } = {},
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (options.quiet !== true) process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout };
}
