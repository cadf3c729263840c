import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Surprise } from './transcript.js';

export const DEMO_ADMIN = { email: 'admin@demo.local', password: 'demo-admin-password' } as const;

export interface DemoServer {
  readonly url: string;
  /** What the server logged, for when something goes wrong. */
  log(): string;
  /** SIGTERM, then waits for a clean exit (a Surprise if it does not come). */
  stop(): Promise<void>;
}

/**
 * The real server (`apps/server/dist/main.js`) on a free port, its embedded database in `dataDir`
 * unless `databaseUrl` is given. Resolves once it logs that it is listening.
 */
export async function startServer(options: {
  root: string;
  path: string;
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<DemoServer> {
  const child = spawn(process.execPath, [join(options.root, 'apps/server/dist/main.js')], {
    env: {
      PATH: options.path,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ORDERS_DATA_DIR: options.dataDir,
      ADMIN_EMAIL: DEMO_ADMIN.email,
      ADMIN_PASSWORD: DEMO_ADMIN.password,
      // The story's webhook receivers listen on 127.0.0.1 over http://.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Surprise(`the server did not start in 60 s:\n${log}`));
    }, 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Surprise(`the server exited (${code ?? 'signal'}) while starting:\n${log}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      log += `${line}\n`;
      const entry = parseJson(line);
      if (entry?.msg === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });

  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) throw new Surprise(`the server had already exited:\n${log}`);
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => {
          resolve('timeout');
        }, 15_000).unref(),
      );
      const code = await Promise.race([exited, timeout]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Surprise('the server did not stop within 15 s of SIGTERM');
      }
      if (code !== 0)
        throw new Surprise(`the server exited ${code ?? 'by signal'} on SIGTERM:\n${log}`);
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
