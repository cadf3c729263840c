import pg from 'pg';
import { sleep } from './load.js';

/** One INSERT every this often while the writer runs. */
const WRITE_EVERY_MS = 20;
/** A connection attempt to a host that does not answer is given up after this long. */
const CONNECT_TIMEOUT_MS = 1_000;
/** An INSERT not answered in this long is given up (its outcome unknown) and the host left. */
const INSERT_TIMEOUT_MS = 15_000;

export const WRITES_TABLE = 'af_writes';

/** An INSERT that returned OK: its id, when it was sent and when the OK came (epoch ms). */
export interface Ack {
  readonly id: number;
  /** The port of the node that answered. */
  readonly port: number;
  readonly sentAt: number;
  readonly ackedAt: number;
}

/**
 * A plain `pg` client that finds the writable primary among `hosts` itself (not in recovery and
 * not read-only, as libpq's target_session_attrs=read-write) and INSERTs a numbered row every
 * 20 ms; on any error it drops the connection and looks for the primary again.
 */
export class Writer {
  readonly acks: Ack[] = [];
  /** INSERTs whose outcome is unknown (an error or no answer): they may or may not be there. */
  readonly unknown: number[] = [];
  readonly errors = new Map<string, number>();
  private running = true;
  private nextId = 1;
  private readonly loop: Promise<void>;

  constructor(
    private readonly hosts: readonly { host: string; port: number }[],
    private readonly database: string,
  ) {
    this.loop = this.run();
  }

  /** Stops after the INSERT in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The first OK of an INSERT sent at or after `since`; waits for it at most `withinMs`. */
  async firstAckSentAfter(since: number, withinMs: number): Promise<Ack> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const ack = this.acks.find((a) => a.sentAt >= since);
      if (ack !== undefined) return ack;
      if (Date.now() > deadline) {
        throw new Error(`no write succeeded within ${withinMs} ms: ${this.describeErrors()}`);
      }
      await sleep(20);
    }
  }

  /** The last OK that came before `at`. */
  lastAckBefore(at: number): Ack | undefined {
    return this.acks.findLast((a) => a.ackedAt < at);
  }

  describeErrors(): string {
    return JSON.stringify(Object.fromEntries(this.errors));
  }

  private isRunning(): boolean {
    return this.running;
  }

  private async run(): Promise<void> {
    while (this.isRunning()) {
      const client = await this.connectToPrimary();
      if (client === undefined) {
        await sleep(100);
        continue;
      }
      try {
        while (this.isRunning()) {
          await this.insert(client.client, client.port);
          await sleep(WRITE_EVERY_MS);
        }
      } catch (error) {
        this.note(error);
      } finally {
        client.client.end().catch(() => undefined);
      }
    }
  }

  private async insert(client: pg.Client, port: number): Promise<void> {
    const id = this.nextId++;
    const sentAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error('no answer'));
      }, INSERT_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        client.query(`insert into ${WRITES_TABLE} (id) values ($1)`, [id]),
        timeout,
      ]);
      this.acks.push({ id, port, sentAt, ackedAt: Date.now() });
    } catch (error) {
      this.unknown.push(id);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The first host that is writable, connected; undefined if none is now. */
  private async connectToPrimary(): Promise<{ client: pg.Client; port: number } | undefined> {
    for (const { host, port } of this.hosts) {
      const client = new pg.Client({
        host,
        port,
        user: 'postgres',
        database: this.database,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      });
      client.on('error', () => undefined); // a dead server's socket error, seen by the next query
      try {
        await client.connect();
        const { rows } = await client.query<{ writable: boolean }>(
          `select not pg_is_in_recovery() and current_setting('transaction_read_only') = 'off'
                  as writable`,
        );
        if (rows[0]?.writable === true) return { client, port };
        this.note(new Error(`${port} not writable`));
      } catch (error) {
        this.note(error);
      }
      await client.end().catch(() => undefined);
    }
    return undefined;
  }

  private note(error: unknown): void {
    const { code, message } = error as { code?: string; message?: string };
    const key = code ?? message?.replace(/\d+/g, 'N') ?? String(error);
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

/** `[{ host, port }]` of a libpq multi-host URL (`postgres://u@h1:p1,h2:p2/db`). */
export function hostsOf(url: string): { host: string; port: number }[] {
  const authority = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url)?.[1] ?? '';
  return authority.split(',').map((hostPort) => {
    const [host = '', port = '5432'] = hostPort.split(':');
    return { host, port: Number(port) };
  });
}
