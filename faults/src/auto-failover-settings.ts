import { query } from './cluster.js';

/**
 * The monitor's health checks, shortened for tests (STACK-NOTES-2 §1: node loss to a writable
 * primary 6.2 s with these, 50.7 s with the defaults: period 5000, timeout 5000, max_retries 2,
 * retry_delay 2000, node_considered_unhealthy_timeout 20000, primary_demote_timeout 30000).
 */
export const TEST_MONITOR_SETTINGS = {
  'pgautofailover.health_check_period': '1000',
  'pgautofailover.health_check_timeout': '1000',
  'pgautofailover.health_check_max_retries': '1',
  'pgautofailover.health_check_retry_delay': '500',
  'pgautofailover.node_considered_unhealthy_timeout': '3000',
  'pgautofailover.primary_demote_timeout': '3000',
} as const;

/**
 * On the data nodes: a standby's walreceiver reconnects after 0.5 s, not 5 s (a synchronous
 * commit waits for it after the primary's postmaster restarts); checkpoints are not spread (a
 * spread one keeps the standby's pg_basebackup waiting for minutes); no fsync (the faults are
 * process crashes: the OS page cache survives them, as in cluster.ts).
 */
export const NODE_SETTINGS = {
  wal_retrieve_retry_interval: '500ms',
  checkpoint_completion_target: '0',
  fsync: 'off',
} as const;

/** `alter system set` each setting, then reload. */
export async function applySettings(url: string, settings: Readonly<Record<string, string>>) {
  for (const [name, value] of Object.entries(settings)) {
    await query(url, `alter system set ${name} = '${value}'`);
  }
  await query(url, 'select pg_reload_conf()');
}
