import type { Sql } from './database.js';

/** What the primary's settings say about losing it: would an acknowledged commit survive? */
export interface ReplicationSafety {
  /** Standbys streaming from this server now (`pg_stat_replication`). */
  readonly standbys: number;
  /** This session's `synchronous_commit` (the server's sessions all get the same). */
  readonly synchronousCommit: string;
  readonly synchronousStandbyNames: string;
  /** Whether this server has (or is set up to wait for) a standby at all. */
  readonly replicated: boolean;
  /**
   * True when a COMMIT is acknowledged only once a synchronous standby has it on disk
   * (`synchronous_commit` `on` or `remote_apply` with `synchronous_standby_names` set), or when
   * there is no standby to fail over to. False: a failover may lose commits the server already
   * acknowledged — a payment answered SUCCESS among them.
   */
  readonly safe: boolean;
}

/** Levels at which a commit waits for a synchronous standby to flush (or apply) it. */
const DURABLE_ON_STANDBY = new Set(['on', 'remote_apply']);

/** Reads the primary's replication settings; run once at start-up on the server's pool. */
export async function checkReplicationSafety(sql: Sql): Promise<ReplicationSafety> {
  const [row] = await sql.execute<
    { synchronous_commit: string; standby_names: string; standbys: number }[]
  >(
    `select current_setting('synchronous_commit') as synchronous_commit,
            current_setting('synchronous_standby_names') as standby_names,
            (select count(*) from pg_stat_replication)::int as standbys`,
  );
  const synchronousCommit = row?.synchronous_commit ?? '';
  const synchronousStandbyNames = (row?.standby_names ?? '').trim();
  const standbys = row?.standbys ?? 0;
  const replicated = standbys > 0 || synchronousStandbyNames !== '';
  const safe =
    !replicated || (synchronousStandbyNames !== '' && DURABLE_ON_STANDBY.has(synchronousCommit));
  return { standbys, synchronousCommit, synchronousStandbyNames, replicated, safe };
}
