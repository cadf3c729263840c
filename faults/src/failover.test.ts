import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, Teardown, type Environment } from './environment.js';
import { failoverFaults } from './failover-nemesis.js';
import { startFailoverDatabase, type FailoverDatabase } from './failover-world.js';
import type { FailoverFault } from './history.js';
import { runScenario } from './scenario.js';

const FAULTS: readonly FailoverFault[] = [
  'planned-failover',
  'primary-node-lost',
  'primary-postmaster-killed',
  // Last: while the standby is down the primary commits alone (wait_primary), and losing the
  // primary then would lose those commits — pg_auto_failover's documented window, not a fault
  // of the servers.
  'standby-stopped',
];

describe('three instances on a pg_auto_failover pair (synchronous replication), failed over under load', () => {
  const teardown = new Teardown();
  let env: Environment;
  let db: FailoverDatabase | undefined;

  beforeAll(async () => {
    env = await startEnvironment(
      { name: 'failover', instances: 3, customers: 12 },
      teardown,
      async () => (db = await startFailoverDatabase()),
    );
  });
  afterAll(() => teardown.run());

  it('loses and doubles nothing through a planned failover, the loss of the primary node, a postmaster kill and the loss and return of the standby', async () => {
    if (db === undefined) throw new Error('the pair did not start');
    const faults = failoverFaults(db, FAULTS);

    const { report } = await runScenario(env, {
      loadMs: 60_000,
      nemesis: faults.nemesis,
      shortTimeoutRate: 0.2,
    });

    console.table(
      faults.recoveries.map((r) => ({
        fault: r.fault,
        primary: `${r.primaryBefore} → ${r.primaryAfter}`,
        pairAgainMs: r.pairAgainMs,
        checkoutsPausedMs: r.checkouts?.pausedMs,
        firstCheckoutAfterMs: r.checkouts?.firstAfterMs,
      })),
    );
    expect(report.violations).toEqual([]);
    for (const fault of FAULTS) expect(report.faults[fault]).toBe(1);
    expect(report.operations.pay?.ok).toBeGreaterThan(100);
  });
});
