export type NodeName = 'node1' | 'node2';

/** The roles of the two nodes, and the monitor's last event (epoch ms) before they held. */
export interface Pair {
  readonly primary: NodeName;
  readonly secondary: NodeName;
  readonly since: number;
}

/** A node as the monitor sees it: its FSM state, the one assigned to it, its health (1 good). */
export interface NodeStatus {
  readonly name: NodeName;
  readonly current: string;
  readonly assigned: string;
  readonly health: number;
}

/** What teardown found and cleaned up. */
export interface TeardownReport {
  /** Processes of the harness still alive after every `pg_autoctl stop` (then killed -9). */
  readonly processesLeft: number;
  /** SysV semaphores that kill -9s left behind, which the harness removed. */
  readonly semaphoresRemoved: number;
  /** Semaphores of the harness's pg_autoctl processes that still existed after the stops. */
  readonly semaphoresLeft: readonly number[];
  /** Whether its temp directory still exists. */
  readonly dirLeft: boolean;
  readonly ms: number;
}

/** A pg_auto_failover monitor and two data nodes with synchronous replication, on loopback. */
export interface AutoFailoverCluster {
  /** libpq style, both nodes: `postgres://postgres@127.0.0.1:p1,127.0.0.1:p2/orders`. */
  readonly databaseUrl: string;
  readonly monitorUrl: string;
  /** From nothing to primary + secondary. */
  readonly startMs: number;
  /** One node's app database alone. */
  nodeUrl(node: NodeName): string;
  states(): Promise<NodeStatus[]>;
  /** The monitor's last `limit` events (state changes and why), oldest first. */
  events(limit: number): Promise<string[]>;
  /** The node the monitor has as writable primary (primary or wait_primary) now, if any. */
  primary(): Promise<NodeName | undefined>;
  /** Waits until each named node reports (and is assigned) one of the given states. */
  waitForState(want: Partial<Record<NodeName, string | readonly string[]>>): Promise<void>;
  /**
   * Waits until one node is primary and the other secondary, both healthy, with no event on the
   * monitor for a few seconds (PAIR_STEADY_MS) — and, given `notBefore` (epoch ms, a fault's
   * start), for a few seconds after it, so the monitor has had time to notice the fault.
   */
  waitForPair(notBefore?: number): Promise<Pair>;
  /** `pg_autoctl perform failover` (planned: the secondary is promoted, the primary demoted). */
  performFailover(): Promise<void>;
  /** kill -9 of the node's pg_autoctl processes and its postmaster: the node is lost. */
  killNode(node: NodeName): Promise<void>;
  /** `pg_autoctl run` again after a kill or stop: it rejoins (as secondary after a failover). */
  restartNode(node: NodeName): Promise<void>;
  /** The node's running postmaster, from its postmaster.pid; undefined if it is down. */
  postmasterPid(node: NodeName): Promise<number | undefined>;
  /**
   * kill -9 of the postmaster alone: its keeper restarts it in place (unless the keeper's report
   * of Postgres not running reaches the monitor first: then the monitor fails over).
   */
  killPostmaster(node: NodeName): Promise<void>;
  /** `pg_autoctl stop`: the keeper stops its postgres and exits. */
  stopNode(node: NodeName): Promise<void>;
  startNode(node: NodeName): Promise<void>;
  /** Stops everything, removes what kill -9s left and the directory. Safe to call twice. */
  teardown(): Promise<TeardownReport>;
}
