import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadCliEnv } from '../env.js';
import { run } from '../main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Variables besides XDG_CONFIG_HOME (always the sandbox's). */
  readonly env?: Readonly<Record<string, string>>;
  /** What stdin holds; empty and closed when omitted (a pipe, not a terminal). */
  readonly stdin?: string | NodeJS.ReadableStream;
}

/** A temp XDG_CONFIG_HOME per test: the real home directory is never touched. */
export interface Sandbox {
  readonly configDir: string;
  readonly credentialsFile: string;
  /** `ordersctl <argv>` in this process, through `run` (fast; most tests). */
  run(argv: readonly string[], options?: RunOptions): Promise<CliResult>;
  dispose(): Promise<void>;
}

export async function createSandbox(): Promise<Sandbox> {
  const configDir = await mkdtemp(join(tmpdir(), 'ordersctl-test-'));
  return {
    configDir,
    credentialsFile: join(configDir, 'ordersctl', 'credentials.json'),
    async run(argv, options = {}) {
      const stdout = collector();
      const stderr = collector();
      const given = options.stdin ?? '';
      const stdin = typeof given === 'string' ? Readable.from(given === '' ? [] : [given]) : given;
      const env = loadCliEnv({ HOME: configDir, ...options.env, XDG_CONFIG_HOME: configDir });
      const code = await run(argv, { stdin, stdout: stdout.stream, stderr: stderr.stream }, env);
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
    dispose: () => rm(configDir, { recursive: true, force: true }),
  };
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A stdin that never ends: a command that waited for it would hang the test. */
export function neverEndingStdin(): PassThrough {
  return new PassThrough();
}

export const BUILT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** `node dist/main.js <argv>` in a child process with only the variables given. */
export function spawnBuilt(
  argv: readonly string[],
  options: {
    env: Readonly<Record<string, string>>;
    stdin?: string;
    /** Leave stdin open: a run that waited for it would be killed by the timeout. */
    keepStdinOpen?: boolean;
    timeoutMs?: number;
  },
): Promise<CliResult & { elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BUILT_MAIN, ...argv], {
      env: { ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) reject(new Error(`ordersctl was killed (${signal ?? '?'})`));
      else resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
    if (options.keepStdinOpen === true) child.stdin.write(options.stdin ?? '');
    else child.stdin.end(options.stdin ?? '');
  });
}

/** A loopback URL nothing listens on (a port just released), so connecting is refused. */
export async function refusingServerUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 1}`;
}
