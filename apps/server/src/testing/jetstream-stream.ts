import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The machine's NATS (JetStream on). Tests only add and delete streams of their own on it. */
export const SHARED_NATS = '127.0.0.1:4222';

/** A stream name and subject prefix no other test (or run) uses. */
export function uniqueStreamTarget(): { stream: string; subjectPrefix: string } {
  const tag = randomBytes(5).toString('hex');
  return { stream: `ORDERS_TEST_${tag}`, subjectPrefix: `orderstest${tag}` };
}

/** A message as the stream stored it. */
export interface StoredStreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly body: unknown;
}

/** Every message the stream holds, in stream order; none when the stream does not exist. */
export async function readStream(servers: string, stream: string): Promise<StoredStreamMessage[]> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (info === undefined) return [];
    const messages: StoredStreamMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message === null) continue;
      messages.push({
        seq: message.seq,
        subject: message.subject,
        msgId: message.header.get('Nats-Msg-Id') || undefined,
        body: message.json(),
      });
    }
    return messages;
  } finally {
    await nc.close();
  }
}

/** Deletes the stream (if it exists). */
export async function deleteStream(servers: string, stream: string): Promise<void> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** A private `nats-server` (JetStream, a store of its own): stopped and started at will. */
export interface PrivateNatsServer {
  /** `127.0.0.1:<port>` */
  readonly servers: string;
  /** Stops it (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

const NATS_SERVER = '/usr/sbin/nats-server';

export async function startPrivateNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'orders-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  async function start(): Promise<void> {
    const started = spawn(
      NATS_SERVER,
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store],
      { stdio: 'ignore' },
    );
    child = started;
    exited = new Promise((resolve) =>
      started.once('exit', () => {
        resolve();
      }),
    );
    await waitForPort(port);
  }
  async function stop(): Promise<void> {
    child?.kill('SIGTERM');
    await exited;
    child = undefined;
  }
  await start();
  return {
    servers: `127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      await rm(store, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
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
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port} in 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls `probe` until `done` holds or `ms` passed; returns the last value either way. */
export async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How many messages the stream holds (0 when it does not exist). */
export async function streamMessageCount(servers: string, stream: string): Promise<number> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    return info?.state.messages ?? 0;
  } finally {
    await nc.close();
  }
}
