import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { serverMainIn, THIS_ROOT } from './server-builds.js';

export interface BenchServer {
  readonly url: string;
  readonly admin: { readonly email: string; readonly password: string };
  /** Peak resident set size of the server process so far, in MiB (VmHWM). */
  peakRssMiB(): Promise<number>;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** The entry to run; this checkout's `apps/server/dist/main.js` by default. */
  readonly serverMain?: string;
  /** Variables added to (or overriding) the bench's server environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The built server (`apps/server/dist`) as its own process, in production mode, on `databaseUrl`:
 * this checkout's unless `serverMain` names another build's. The USER_VELOCITY fraud threshold is
 * raised: every virtual user pays many times a minute.
 */
export async function startBenchServer(
  databaseUrl: string,
  { serverMain = serverMainIn(THIS_ROOT), env = {} }: BenchServerOptions = {},
): Promise<BenchServer> {
  const port = await freePort();
  const admin = { email: 'bench-admin@example.com', password: randomBytes(12).toString('hex') };
  const child = spawn(process.execPath, [serverMain], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      FRAUD_USER_VELOCITY_MAX: '1000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, exited);
  return {
    url,
    admin,
    async peakRssMiB() {
      const status = await readFile(`/proc/${child.pid ?? 0}/status`, 'utf8');
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kib / 1024);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitReady(url: string, exited: Promise<void>): Promise<void> {
  const state = { gone: false };
  void exited.then(() => {
    state.gone = true;
  });
  for (let i = 0; i < 300 && !state.gone; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server at ${url} did not become ready (run \`pnpm build\` first?)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
