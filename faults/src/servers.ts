import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const SERVER_MAIN = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/**
 * util-linux's `setpriv --pdeathsig KILL` makes the kernel kill a server when the test process
 * that spawned it dies without its teardown (a cancelled run, Ctrl-C): no orphan keeps a port.
 */
const SETPRIV = '/usr/bin/setpriv';

/**
 * The engine timings the faults need short: a dead driver's lease runs out in a second, the
 * worker looks for such payments five times a second, and retries are quick. USER_VELOCITY is
 * raised because every virtual user pays many times a minute.
 */
export const FAULT_SERVER_ENV = {
  PAYMENT_LEASE_MS: '1000',
  WORKER_POLL_MS: '200',
  PAYMENT_RETRY_BASE_MS: '150',
  PAY_WAIT: '2000',
  FRAUD_USER_VELOCITY_MAX: '1000000',
} as const;

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** One instance of the built server. It keeps its port across restarts. */
export interface ServerInstance {
  readonly index: number;
  readonly url: string;
  readonly live: boolean;
  /** When the running process was spawned (epoch ms); undefined while the instance is down. */
  readonly startedAt: number | undefined;
  start(): Promise<void>;
  /** SIGKILL: no clean-up of any kind, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL if it has not exited after a few seconds), and wait for the exit. */
  stop(): Promise<void>;
}

/** Several instances on one database, sharing a JWT secret so a token works on all of them. */
export interface Fleet {
  readonly instances: readonly ServerInstance[];
  readonly admin: Credentials;
  /** Exits nobody asked for (a crash on a database fault, say), one line each. */
  readonly unexpectedExits: readonly string[];
  liveInstances(): ServerInstance[];
  stopAll(): Promise<void>;
}

/**
 * Starts `count` instances of `apps/server/dist/main.js` on `databaseUrl`: the first alone (it
 * applies the migrations and bootstraps the admin), then the others together. Each instance's
 * output goes to `server-<n>.log` in `logDir`.
 */
export async function startFleet(input: {
  count: number;
  databaseUrl: string;
  logDir: string;
  /** More settings for every instance (the scenario's NATS stream and webhook timings). */
  extraEnv?: Readonly<Record<string, string>>;
}): Promise<Fleet> {
  const admin = { email: 'faults-admin@example.com', password: randomBytes(12).toString('hex') };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: input.databaseUrl,
    // The server makes its data directory even on PostgreSQL: keep it out of the repository.
    ORDERS_DATA_DIR: join(input.logDir, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ...FAULT_SERVER_ENV,
    ...input.extraEnv,
  };
  const unexpectedExits: string[] = [];
  const instances: ServerInstance[] = [];
  for (let index = 0; index < input.count; index++) {
    const port = await freePort();
    const logFile = join(input.logDir, `server-${index}.log`);
    closeSync(openSync(logFile, 'w')); // a fresh log per run; restarts append to it
    instances.push(createInstance({ index, port, env, logFile, unexpectedExits }));
  }
  const fleet: Fleet = {
    instances,
    admin,
    unexpectedExits,
    liveInstances: () => instances.filter((instance) => instance.live),
    async stopAll() {
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
  const [first, ...others] = instances;
  if (first === undefined) throw new Error('a fleet needs at least one instance');
  try {
    await first.start();
    await Promise.all(others.map((instance) => instance.start()));
  } catch (error) {
    await fleet.stopAll();
    throw error;
  }
  return fleet;
}

function createInstance(input: {
  index: number;
  port: number;
  env: NodeJS.ProcessEnv;
  logFile: string;
  unexpectedExits: string[];
}): ServerInstance {
  const url = `http://127.0.0.1:${input.port}`;
  let child: ChildProcess | undefined;
  let startedAt: number | undefined;
  let exited: Promise<void> = Promise.resolve();
  let expectingExit = false;

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child === undefined) return;
    expectingExit = true;
    child.kill(name);
    await exited;
  };

  return {
    index: input.index,
    url,
    get live() {
      return child !== undefined;
    },
    get startedAt() {
      return startedAt;
    },
    async start() {
      if (child !== undefined) return;
      const log = openSync(input.logFile, 'a');
      const [command, args] = serverCommand();
      startedAt = Date.now();
      const started = spawn(command, args, {
        env: { ...input.env, PORT: String(input.port) },
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      child = started;
      expectingExit = false;
      exited = new Promise((resolve) => {
        started.once('exit', (code, signalName) => {
          child = undefined;
          startedAt = undefined;
          if (!expectingExit) {
            input.unexpectedExits.push(
              `instance ${input.index} exited on its own (code ${code}, signal ${signalName})`,
            );
          }
          resolve();
        });
      });
      await waitReady(url, () => child === undefined, input.logFile);
    },
    kill: () => signal('SIGKILL'),
    async stop() {
      // A clean shutdown waits for in-flight payments; teardown must not hang on one.
      const tooLong = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
      await signal('SIGTERM');
      clearTimeout(tooLong);
    },
  };
}

/** `node main.js`, under `setpriv --pdeathsig KILL` where util-linux has it (it execs node). */
export function serverCommand(): [string, string[]] {
  return existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', process.execPath, SERVER_MAIN]]
    : [process.execPath, [SERVER_MAIN]];
}

async function waitReady(url: string, exited: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !exited()) {
    if ((await readyStatus(url)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const why = exited() ? 'exited while starting' : `was not ready in ${READY_TIMEOUT_MS} ms`;
  throw new Error(`the server at ${url} ${why} (is it built? see ${logFile})`);
}

/** GET /readyz's status code; 0 when the instance does not answer. */
export async function readyStatus(url: string): Promise<number> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return response.status;
  } catch {
    return 0;
  }
}
