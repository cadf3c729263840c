import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from './database.js';
import { parseDatabaseUrl } from './database-url.js';
import { classifyDbError } from './db-errors.js';
import { initOrm, type Orm } from './orm.js';
import { readReplicationSettings } from './replication-safety.js';
import { followPrimary, NoWritablePrimaryError, type PrimaryEvent } from './primary-follower.js';
import {
  createReplicatedPair,
  POSTGRES_BINARIES_PRESENT,
  query,
  setAndReload,
  type ReplicatedPair,
} from './testing/replicated-pair.js';

const TIMEOUTS = { connectTimeoutMs: 2_000, statementTimeoutMs: 10_000 };

/** Runs `attempt` until it stops throwing (a failover takes a moment); its last error else. */
async function eventually<T>(attempt: () => Promise<T>, tries = 150): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function serverPort(sql: Database): Promise<number> {
  const [row] = await sql.execute<{ port: number }[]>('select inet_server_port() as port');
  return row?.port ?? 0;
}

describe.skipIf(!POSTGRES_BINARIES_PRESENT)('following the primary of a host list', () => {
  let pair: ReplicatedPair;
  /** The pair as a libpq host list, the standby first. */
  let listUrl: string;

  beforeAll(async () => {
    pair = await createReplicatedPair();
    const hosts = `127.0.0.1:${pair.standby.port},127.0.0.1:${pair.primary.port}`;
    listUrl = `postgres://postgres@${hosts}/orders?target_session_attrs=read-write`;
  });
  afterAll(async () => {
    await pair.destroy();
  });

  it('connects to the primary even when the standby is listed first', async () => {
    const events: PrimaryEvent[] = [];
    const follower = followPrimary({
      url: parseDatabaseUrl(listUrl),
      connectTimeoutMs: 2_000,
      onEvent: (event) => events.push(event),
    });
    const db = createDatabase({ url: follower, poolMax: 2, timeouts: TIMEOUTS });
    try {
      expect(await serverPort(db)).toBe(pair.primary.port);
      expect(await db.ping()).toBe(true);
      expect(events).toEqual([
        {
          kind: 'found',
          primary: `127.0.0.1:${pair.primary.port}`,
          skipped: [`127.0.0.1:${pair.standby.port} (in recovery)`],
        },
      ]);
    } finally {
      await db.close();
    }
  });

  it('skips a primary that is read-only, and says why no host qualified', async () => {
    await setAndReload(pair.primary.url, { default_transaction_read_only: 'on' });
    try {
      const follower = followPrimary({ url: parseDatabaseUrl(listUrl), connectTimeoutMs: 2_000 });
      const failure = await follower.primary().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NoWritablePrimaryError);
      expect((failure as Error).message).toBe(
        `no writable primary among 127.0.0.1:${pair.standby.port} (in recovery), 127.0.0.1:${pair.primary.port} (read-only)`,
      );
      expect(classifyDbError(failure)).toEqual({ kind: 'connection' });
    } finally {
      await query(pair.primary.url, 'alter system reset default_transaction_read_only');
      await query(pair.primary.url, 'select pg_reload_conf()');
    }
  });

  it('falls back from SSL under sslmode=prefer on a server without it, as libpq does', async () => {
    const follower = followPrimary({
      url: parseDatabaseUrl(`${listUrl}&sslmode=prefer`),
      connectTimeoutMs: 2_000,
    });
    const primary = await follower.primary();
    expect(primary.url).toContain('sslmode=disable');
    expect(primary.url).not.toContain('target_session_attrs');
  });

  it('reads the settings that decide whether a failover keeps acknowledged commits: standbys, synchronous_commit, synchronous_standby_names', async () => {
    const db = createDatabase({ url: pair.primary.url, poolMax: 1 });
    try {
      // Streaming, but asynchronous (PostgreSQL's default): no synchronous standby named.
      const standbys = await eventually(async () => {
        const settings = await readReplicationSettings(db);
        if (settings.standbys === 0) throw new Error('the standby is not streaming yet');
        return settings;
      });
      expect(standbys).toEqual({
        standbys: 1,
        synchronousCommit: 'on',
        synchronousStandbyNames: '',
      });
      await setAndReload(pair.primary.url, { synchronous_standby_names: '*' });
      // A new session sees the reloaded setting.
      await db.close();
      const fresh = createDatabase({ url: pair.primary.url, poolMax: 1 });
      try {
        expect(await readReplicationSettings(fresh)).toMatchObject({
          standbys: 1,
          synchronousStandbyNames: '*',
        });
      } finally {
        await fresh.close();
      }
    } finally {
      await query(pair.primary.url, 'alter system reset synchronous_standby_names');
      await query(pair.primary.url, 'select pg_reload_conf()');
      await db.close().catch(() => undefined);
    }
  });

  it('finds the promoted standby after the primary is lost, with no restart, in both pools', async () => {
    const follower = followPrimary({
      url: parseDatabaseUrl(listUrl),
      connectTimeoutMs: 2_000,
      retryMs: 100,
    });
    const db = createDatabase({ url: follower, poolMax: 2, timeouts: TIMEOUTS });
    let orm: Orm | undefined;
    try {
      const ownOrm = await initOrm({ clientUrl: follower, poolMax: 2, timeouts: TIMEOUTS });
      orm = ownOrm;
      const ormPort = async () => {
        const rows = await ownOrm.em
          .fork()
          .getConnection()
          .execute<{ port: number }[]>('select inet_server_port() as port');
        return rows[0]?.port;
      };
      expect(await serverPort(db)).toBe(pair.primary.port);
      expect(await ormPort()).toBe(pair.primary.port);

      await pair.primary.stop('immediate');
      // In flight or next: a connection fault, which the server answers as 503.
      const lost = await serverPort(db).catch((error: unknown) => error);
      expect(classifyDbError(lost)).toEqual({ kind: 'connection' });
      // While the standby is still one, no host qualifies.
      const none = await eventually(async () => {
        const error = await serverPort(db).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (!(error instanceof NoWritablePrimaryError)) throw new Error('still searching');
        return error;
      });
      expect(classifyDbError(none)).toEqual({ kind: 'connection' });
      expect(await db.ping()).toBe(false);

      await pair.standby.promote();
      expect(await eventually(() => serverPort(db))).toBe(pair.standby.port);
      expect(await db.ping()).toBe(true);
      await db.execute('create table after_failover (id int primary key)');
      expect(await eventually(ormPort)).toBe(pair.standby.port);
    } finally {
      await db.close();
      await orm?.close(true);
    }
  });
});
