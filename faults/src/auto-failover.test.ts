import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DATABASE,
  createAutoFailoverCluster,
  NODES,
  type AutoFailoverCluster,
  type NodeName,
  type Pair,
  type TeardownReport,
} from './auto-failover.js';
import { hostsOf, Writer, WRITES_TABLE, type Ack } from './auto-failover-writer.js';
import { query } from './cluster.js';

/** How long a fault may keep every write out before the test gives up on the cluster. */
const WRITES_BACK_WITHIN_MS = 60_000;

interface GapRow {
  fault: string;
  /** The longest stretch without an OK, from the fault until the pair was back. */
  writeGapMs: number;
  /**
   * From the fault to the monitor's last event before the pair held again (0: it recorded none,
   * as when a postmaster is restarted in place between two health checks).
   */
  pairAgainMs: number;
  /** INSERTs whose outcome the writer never learned (an error, no answer). */
  unknownWrites: number;
}

describe('the pg_auto_failover harness: a monitor and two synchronous nodes on loopback', () => {
  let cluster: AutoFailoverCluster | undefined;
  let writer: Writer | undefined;
  let teardown: TeardownReport | undefined;
  const gaps: GapRow[] = [];

  const the = () => {
    if (cluster === undefined || writer === undefined) throw new Error('the cluster did not start');
    return { cluster, writer };
  };

  /** Runs `fault` and `recover` under the writer's load; records the gap and checks the cluster. */
  const measure = async (
    name: string,
    fault: (c: AutoFailoverCluster) => Promise<void>,
    recover: (c: AutoFailoverCluster) => Promise<void> = () => Promise.resolve(),
  ) => {
    const { cluster, writer } = the();
    const unknownBefore = writer.unknown.length;
    const at = Date.now();
    await fault(cluster);
    await writer.firstAckSentAfter(Date.now(), WRITES_BACK_WITHIN_MS);
    await recover(cluster);
    const pairAgainMs = (await cluster.waitForPair(at)).since - at;
    // A write on the recovered pair, before the checks read.
    const last = await writer.firstAckSentAfter(Date.now(), WRITES_BACK_WITHIN_MS);
    gaps.push({
      fault: name,
      writeGapMs: longestGap(writer.acks, at, last),
      pairAgainMs,
      unknownWrites: writer.unknown.length - unknownBefore,
    });
    await expectOneWritablePrimaryAndNothingLost(cluster, writer);
  };

  beforeAll(async () => {
    cluster = await createAutoFailoverCluster();
    const primary = await cluster.primary();
    if (primary === undefined) throw new Error('no primary after start');
    await query(cluster.nodeUrl(primary), `create table ${WRITES_TABLE} (id int primary key)`);
    writer = new Writer(hostsOf(cluster.databaseUrl), APP_DATABASE);
    await writer.firstAckSentAfter(Date.now(), WRITES_BACK_WITHIN_MS);
  });

  afterAll(async () => {
    await writer?.stop();
    teardown ??= await cluster?.teardown();
    console.table(gaps);
    console.log(
      `auto-failover harness: started in ${cluster?.startMs} ms; ${writer?.acks.length} writes acknowledged (median ${median(writer?.acks ?? [])} ms each); teardown ${JSON.stringify(teardown)}`,
    );
  });

  it('starts with a writable primary, a synchronous secondary and the app database on both', async () => {
    const { cluster } = the();
    const { primary, secondary } = await cluster.waitForPair();
    const [replication] = await query<{ names: string; sync: string }>(
      cluster.nodeUrl(primary),
      `select current_setting('synchronous_standby_names') as names,
              (select string_agg(sync_state, ',') from pg_stat_replication) as sync`,
    );
    expect(replication?.names).toMatch(/^ANY 1 \(pgautofailover_standby_\d+\)$/);
    expect(replication?.sync).toBe('quorum');
    const [standby] = await query<{ recovery: boolean; retry: string }>(
      cluster.nodeUrl(secondary),
      `select pg_is_in_recovery() as recovery, current_setting('wal_retrieve_retry_interval') as retry`,
    );
    expect(standby).toEqual({ recovery: true, retry: '500ms' });
  });

  it('keeps every acknowledged write through a planned failover, and the old primary is secondary again', async () => {
    const before = await the().cluster.waitForPair();
    await measure('planned failover (pg_autoctl perform failover)', (c) => c.performFailover());
    await expectPair(the().cluster, {
      primary: before.secondary,
      secondary: before.primary,
    });
  });

  it('keeps every acknowledged write when the primary node is lost (keeper and postmaster killed -9), and the lost node rejoins as secondary when run again', async () => {
    const before = await the().cluster.waitForPair();
    await measure(
      'primary node lost (kill -9 of its keeper and postmaster)',
      async (c) => {
        await c.killNode(before.primary);
        await c.waitForState({ [before.secondary]: ['wait_primary', 'primary'] });
      },
      (c) => c.restartNode(before.primary),
    );
    await expectPair(the().cluster, {
      primary: before.secondary,
      secondary: before.primary,
    });
  });

  it("keeps every acknowledged write when the primary's postmaster alone is killed -9: its keeper restarts it, and the node is back in the pair", async () => {
    const { cluster } = the();
    const before = await cluster.waitForPair();
    const postmaster = await cluster.postmasterPid(before.primary);
    await measure("primary's postmaster killed -9 (keeper alive)", (c) =>
      c.killPostmaster(before.primary),
    );
    // Restarted in place, or failed over: the monitor counts a node unhealthy as soon as its
    // keeper reports Postgres not running, which under load can come before the restart.
    const after = await cluster.waitForPair();
    const roles = (p: Pair) => `${p.primary} primary, ${p.secondary} secondary`;
    expect([roles(before), `${before.secondary} primary, ${before.primary} secondary`]).toContain(
      roles(after),
    );
    const restarted = await cluster.postmasterPid(before.primary);
    expect(restarted).toBeDefined();
    expect(restarted).not.toBe(postmaster);
    const row = gaps.at(-1);
    if (row) row.fault += after.primary === before.primary ? ' — in place' : ' — failed over';
  });

  it('keeps writing when the standby is stopped (the primary goes to wait_primary), and has it back as secondary when it returns', async () => {
    const before = await the().cluster.waitForPair();
    await measure(
      'standby stopped (pg_autoctl stop), then run again',
      async (c) => {
        await c.stopNode(before.secondary);
        await c.waitForState({ [before.primary]: 'wait_primary' });
      },
      (c) => c.startNode(before.secondary),
    );
    await expectPair(the().cluster, { primary: before.primary, secondary: before.secondary });
  });

  it('tears down without leaving a process, a semaphore or its directory behind', async () => {
    const { cluster, writer } = the();
    await writer.stop();
    teardown = await cluster.teardown();
    expect(teardown.processesLeft).toBe(0);
    // The kill -9 of the primary node left its keeper's semaphore; the harness removed it.
    expect(teardown.semaphoresRemoved).toBe(1);
    expect(teardown.semaphoresLeft).toEqual([]);
    expect(teardown.dirLeft).toBe(false);
  });
});

/** Exactly one node writable, the other in recovery, and every acknowledged INSERT there. */
async function expectOneWritablePrimaryAndNothingLost(
  cluster: AutoFailoverCluster,
  writer: Writer,
) {
  const roles = new Map<NodeName, string>();
  for (const node of NODES) {
    const [row] = await query<{ role: string }>(
      cluster.nodeUrl(node),
      `select case when pg_is_in_recovery() then 'standby'
                   when current_setting('transaction_read_only') = 'on' then 'read-only'
                   else 'writable' end as role`,
    );
    roles.set(node, row?.role ?? 'none');
  }
  expect([...roles.values()].sort()).toEqual(['standby', 'writable']);
  const primary = [...roles].find(([, role]) => role === 'writable')?.[0] ?? 'node1';
  // The writer keeps writing: only what was acknowledged before the read can be asked of it.
  const acked = [...writer.acks];
  const rows = await query<{ id: number }>(
    cluster.nodeUrl(primary),
    `select id from ${WRITES_TABLE}`,
  );
  const present = new Set(rows.map((r) => r.id));
  const lost = acked.filter((ack) => !present.has(ack.id));
  expect(lost).toEqual([]);
}

/** The longest stretch between two OKs, from the last one before `at` to `last`. */
function longestGap(acks: readonly Ack[], at: number, last: Ack): number {
  const window = acks.filter((a) => a.ackedAt <= last.ackedAt);
  const start = window.findLastIndex((a) => a.ackedAt < at);
  let longest = 0;
  for (let n = Math.max(start, 0) + 1; n < window.length; n++) {
    const previous = window[n - 1];
    const current = window[n];
    if (previous && current) longest = Math.max(longest, current.ackedAt - previous.ackedAt);
  }
  return longest;
}

function median(acks: readonly Ack[]): number {
  const sorted = acks.map((a) => a.ackedAt - a.sentAt).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The pair the monitor settles on; on a mismatch, its last events say what happened. */
async function expectPair(
  cluster: AutoFailoverCluster,
  wanted: { primary: NodeName; secondary: NodeName },
): Promise<void> {
  const { primary, secondary } = await cluster.waitForPair();
  expect({ primary, secondary }, (await cluster.events(20)).join('\n')).toEqual(wanted);
}
