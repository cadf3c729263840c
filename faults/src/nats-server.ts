import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './load.js';
import { freePort } from './ports.js';

const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';
const SETPRIV = '/usr/bin/setpriv';
const LISTEN_TIMEOUT_MS = 15_000;

/**
 * A scenario's own `nats-server` (JetStream on, a store of its own in a temp dir, a free port):
 * never the machine's shared one on 4222. Stopped and started again on the same port and store.
 */
export interface PrivateNats {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly running: boolean;
  /** SIGTERM (a clean shutdown: JetStream flushes its store) and wait for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes its store. Safe to call more than once. */
  destroy(): Promise<void>;
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'orders-faults-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const nats: PrivateNats = {
    url: `nats://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child !== undefined) return;
      const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store];
      // Under `setpriv --pdeathsig KILL`, as the servers are: it dies with the test process.
      const started = existsSync(SETPRIV)
        ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', NATS_SERVER, ...args], { stdio: 'ignore' })
        : spawn(NATS_SERVER, args, { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) => {
        started.once('exit', () => {
          child = undefined;
          resolve();
        });
      });
      await waitForPort(port, () => child === undefined);
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await nats.stop();
      await rm(store, { recursive: true, force: true });
    },
  };
  try {
    await nats.start();
  } catch (error) {
    await nats.destroy();
    throw error;
  }
  return nats;
}

async function waitForPort(port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (Date.now() < deadline && !exited()) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`nats-server (${NATS_SERVER}) did not listen on ${port}`);
}
