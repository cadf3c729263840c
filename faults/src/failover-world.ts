import {
  APP_DATABASE,
  createAutoFailoverCluster,
  NODES,
  type AutoFailoverCluster,
  type NodeName,
  type Pair,
} from './auto-failover.js';
import type { PostgresCluster } from './cluster.js';
import { query } from './cluster.js';
import type { ScenarioDatabase } from './environment.js';

/**
 * A pg_auto_failover pair as a scenario's database: the servers get its multi-host URL; the
 * checks (plain `pg` clients, which cannot parse one) read the node the monitor last showed as
 * primary, which `follow` keeps current after each fault.
 */
export interface FailoverDatabase extends ScenarioDatabase {
  readonly pair: AutoFailoverCluster;
  /** Waits for a primary and a secondary (`waitForPair`), and points the checks at the primary. */
  follow(notBefore?: number): Promise<Pair>;
}

export async function startFailoverDatabase(): Promise<FailoverDatabase> {
  const pair = await createAutoFailoverCluster();
  let primary: NodeName = (await pair.primary()) ?? 'node1';
  const cluster: PostgresCluster = {
    get databaseUrl() {
      return pair.nodeUrl(primary);
    },
    /** Runs every node that is not running (they rejoin as the monitor says). */
    async start() {
      for (const node of NODES) await pair.restartNode(node);
      await follow();
    },
    /** `fast`: `pg_autoctl stop` of each node; `immediate`: kill -9 of each node. */
    async stop(mode) {
      for (const node of NODES) {
        await (mode === 'fast' ? pair.stopNode(node) : pair.killNode(node));
      }
    },
    async terminateAppConnections() {
      const rows = await query<{ n: number }>(
        pair.nodeUrl(primary),
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        [APP_DATABASE],
      );
      return rows[0]?.n ?? 0;
    },
    async destroy() {
      await pair.teardown();
    },
  };
  const follow = async (notBefore?: number) => {
    const roles = await pair.waitForPair(notBefore);
    primary = roles.primary;
    return roles;
  };
  return { pair, cluster, serversUrl: pair.databaseUrl, follow };
}
