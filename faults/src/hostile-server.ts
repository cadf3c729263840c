import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverCommand } from './servers.js';

/** The built server in its own process, as production runs it. */
export interface HostileServer {
  readonly url: string;
  readonly jwtSecret: string;
  readonly admin: { readonly email: string; readonly password: string };
  /** Every line the process wrote, stdout and stderr. */
  readonly logLines: readonly string[];
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resident set size now and at its peak (VmHWM), in MiB. */
  memoryMiB(): Promise<{ readonly now: number; readonly peak: number }>;
  stop(): Promise<void>;
}

/**
 * Starts `apps/server/dist/main.js`, which `pnpm test:faults` builds first (alone:
 * `pnpm exec turbo run build --filter=@orders/server`).
 */
export async function startHostileServer(databaseUrl: string): Promise<HostileServer> {
  const port = await freePort();
  const jwtSecret = randomBytes(32).toString('hex');
  const admin = { email: 'hostile-admin@example.com', password: randomBytes(12).toString('hex') };
  // The server creates its data directory even on PostgreSQL: keep it out of the repository.
  const dataDir = await mkdtemp(join(tmpdir(), 'orders-hostile-'));
  const [command, args] = serverCommand();
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      ORDERS_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      logLines.push(...lines);
    });
  }
  const state = { exited: false };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      state.exited = true;
      resolve();
    }),
  ).then(() => rm(dataDir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  if (!(await becameReady(url, state))) {
    child.kill('SIGTERM');
    await exited;
    const said = logLines.slice(-5).join('\n');
    throw new Error(`the server at ${url} did not become ready (is apps/server built?)\n${said}`);
  }
  return {
    url,
    jwtSecret,
    admin,
    logLines,
    alive: () => !state.exited,
    async memoryMiB() {
      const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8');
      const mib = (field: string) =>
        Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
      return { now: mib('VmRSS'), peak: mib('VmHWM') };
    },
    async stop() {
      if (state.exited) return exited;
      child.kill('SIGTERM');
      // A clean shutdown takes well under a second; one that hangs is not this suite's to wait on.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function becameReady(url: string, state: { readonly exited: boolean }): Promise<boolean> {
  for (let i = 0; i < 300 && !state.exited; i++) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}
