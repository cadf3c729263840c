import type { Sql } from './database.js';

/** The primary's replication as its settings stand: what the server judges durability by. */
export interface ReplicationSettings {
  /** Standbys streaming from this server now (`pg_stat_replication`). */
  readonly standbys: number;
  /** This session's `synchronous_commit` (the server's sessions all get the same). */
  readonly synchronousCommit: string;
  /** `synchronous_standby_names`, trimmed ('' when unset). */
  readonly synchronousStandbyNames: string;
}

/** Reads the primary's replication settings; run once at start-up on the server's pool. */
export async function readReplicationSettings(sql: Sql): Promise<ReplicationSettings> {
  const [row] = await sql.execute<
    { synchronous_commit: string; standby_names: string; standbys: number }[]
  >(
    `select current_setting('synchronous_commit') as synchronous_commit,
            current_setting('synchronous_standby_names') as standby_names,
            (select count(*) from pg_stat_replication)::int as standbys`,
  );
  return {
    standbys: row?.standbys ?? 0,
    synchronousCommit: row?.synchronous_commit ?? '',
    synchronousStandbyNames: (row?.standby_names ?? '').trim(),
  };
}
