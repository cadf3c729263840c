import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'orders-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL', () => {
  it('starts a new data dir from the seed cluster, and an existing one from its own files', async () => {
    // A seed with a marker in it: only a database made from this seed has the table.
    const seedDb = await PGlite.create('memory://');
    await seedDb.exec('create table from_seed (v int); insert into from_seed values (7);');
    const seedFile = join(dataDir, 'marked-seed.tar.gz');
    await writeFile(seedFile, Buffer.from(await (await seedDb.dumpDataDir('gzip')).arrayBuffer()));
    await seedDb.close();

    const fresh = join(dataDir, 'from-seed');
    const first = await startEmbeddedPostgres({ dataDir: fresh, seedFile });
    await query(first.url, 'update from_seed set v = 8');
    await first.stop();
    const again = await startEmbeddedPostgres({ dataDir: fresh, seedFile });
    try {
      expect(await query(again.url, 'select v from from_seed')).toEqual([{ v: 8 }]);
    } finally {
      await again.stop();
    }
  });

  it('creates a cluster from scratch when there is no seed', async () => {
    const db = await startEmbeddedPostgres({ seedFile: join(dataDir, 'no-such-seed.tar.gz') });
    try {
      expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      await expect(query(db.url, 'select v from from_seed')).rejects.toThrow(/does not exist/);
    } finally {
      await db.stop();
    }
  });

  it('keeps its data across a restart on the same data dir', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.url, 'create table kept (v int); insert into kept values (42);');
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query(second.url, 'select v from kept')).toEqual([{ v: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('serves several connections at once through its multiplexer', async () => {
    const db = await startEmbeddedPostgres();
    try {
      const rows = await Promise.all(
        Array.from({ length: 5 }, (_, i) => query(db.url, `select ${i} as i`)),
      );
      expect(rows.map((r) => r[0])).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    } finally {
      await db.stop();
    }
  });

  it('keeps each statement of the extended protocol whole while other connections talk', async () => {
    // Parse, Bind, Execute and Sync arrive as separate messages for one PGlite session; each
    // connection must still get the answer to its own statement.
    const db = await startEmbeddedPostgres();
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: db.url }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const answers = await Promise.all(
        clients.map(async (client, c) => {
          const wrong: string[] = [];
          for (let i = 0; i < 150; i++) {
            const sent = `${c}:${i}`;
            const { rows } = await client.query<{ got: string; c: number }>(
              `select $1::text as got, ${c} as c`,
              [sent],
            );
            const got = `${String(rows[0]?.c)}:${String(rows[0]?.got)}`;
            if (got !== `${c}:${sent}`) wrong.push(`${sent} → ${got}`);
          }
          return wrong;
        }),
      );
      expect(answers.flat()).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await db.stop();
    }
  });

  it('refuses a second server on a data dir that a live process holds', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use by process/);
    } finally {
      await first.stop();
    }
  });

  it('takes over a lock left behind by a process that died', async () => {
    await writeFile(join(dataDir, 'embedded.lock'), '999999999');
    const db = await startEmbeddedPostgres({ dataDir });
    await db.stop();
  });
});
