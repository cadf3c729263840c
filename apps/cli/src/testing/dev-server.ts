import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../../../server/', import.meta.url));

/** The server as `pnpm start` runs it for someone trying the system, on a data dir of its own. */
export interface DevServer {
  readonly url: string;
  readonly dataDir: string;
  /** The demo admin the server created (`demo-admin.json` in the data dir). */
  demoAdmin(): Promise<{ readonly email: string; readonly password: string }>;
  /** Its stdout and stderr so far, for a failure message. */
  log(): string;
  /** SIGTERM, then the data dir removed. */
  stop(): Promise<void>;
}

/**
 * `pnpm start` in development, from this checkout's sources (tsx, as the server's own process
 * tests run it, so it is never a stale build): embedded PostgreSQL in a fresh temp
 * `ORDERS_DATA_DIR`, no `ADMIN_EMAIL` (so the demo admin is created), the demo catalogue seeded,
 * on a free port. Resolves once it logs that it is listening.
 */
export async function startDevServer(): Promise<DevServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'orders-dev-'));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(SERVER_DIR, 'src/main.ts')],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        ORDERS_DATA_DIR: dataDir,
      },
      // `--import tsx` resolves from the working directory: the server package has it.
      cwd: SERVER_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no dev server in 90 s:\n${log}`));
      }, 90_000);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the dev server exited while starting:\n${log}`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        log += `${line}\n`;
        const url = listeningUrl(line);
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
    return {
      url,
      dataDir,
      async demoAdmin() {
        const stored: unknown = JSON.parse(
          await readFile(join(dataDir, 'demo-admin.json'), 'utf8'),
        );
        const { email, password } = (stored ?? {}) as { email?: unknown; password?: unknown };
        if (typeof email !== 'string' || typeof password !== 'string')
          throw new Error(`no demo admin in ${dataDir}`);
        return { email, password };
      },
      log: () => log,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningUrl(line: string): string | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { msg, url } = entry as { msg?: unknown; url?: unknown };
    return msg === 'listening' && typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
