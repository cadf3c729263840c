import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, Teardown, type Environment } from './environment.js';
import { restartPostgres, terminateBackends } from './nemesis.js';
import { runScenario } from './scenario.js';

describe('PostgreSQL stopped (fast, then immediate) and started again under load', () => {
  const teardown = new Teardown();
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment(
      { name: 'postgres-restart', instances: 3, customers: 12, deliveries: 'stream' },
      teardown,
    );
  });
  afterAll(() => teardown.run());

  it('recovers without a restart and loses and doubles nothing when PostgreSQL restarts', async () => {
    const { report } = await runScenario(env, {
      loadMs: 20_000,
      nemesis: restartPostgres({ modes: ['fast', 'immediate'], downMs: 1_500 }),
      shortTimeoutRate: 0.2,
    });

    expect(report.violations).toEqual([]);
    expect(report.faults['postgres-stop-fast']).toBe(1);
    expect(report.faults['postgres-stop-immediate']).toBe(1);
    expect(report.operations.pay?.ok).toBeGreaterThan(100);
  });
});

describe("every server's database connections terminated every second or two", () => {
  const teardown = new Teardown();
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment(
      { name: 'terminate-backends', instances: 3, customers: 12, deliveries: 'stream' },
      teardown,
    );
  });
  afterAll(() => teardown.run());

  it('loses and doubles nothing when its database sessions are terminated', async () => {
    const { report } = await runScenario(env, {
      loadMs: 15_000,
      nemesis: terminateBackends({ everyMs: [1_000, 2_000] }),
      shortTimeoutRate: 0.2,
    });

    expect(report.violations).toEqual([]);
    expect(report.faults['terminate-backends']).toBeGreaterThanOrEqual(5);
    expect(report.operations.pay?.ok).toBeGreaterThan(100);
  });
});
