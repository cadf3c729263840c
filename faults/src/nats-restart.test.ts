import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, Teardown, type Environment } from './environment.js';
import { restartNats } from './nats-nemesis.js';
import { runScenario } from './scenario.js';

describe("the scenario's nats-server stopped and started again, three times, under load", () => {
  const teardown = new Teardown();
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment(
      { name: 'nats-restart', instances: 3, customers: 12, deliveries: 'stream+webhooks' },
      teardown,
    );
  });
  afterAll(() => teardown.run());

  it('goes on taking orders and payments while NATS is down, and the relay catches up: every event in the stream once, in order', async () => {
    const { report } = await runScenario(env, {
      // Three slices of ≈ 9 s: an outage (≤ 2.2 s) and the relay's catch-up after it (≈ 4–7 s on
      // a loaded 2-core machine) fit in each, so every outage falls within the load.
      loadMs: 28_000,
      nemesis: restartNats({ restarts: 3, downMs: [1_500, 2_200] }),
      shortTimeoutRate: 0.2,
    });

    expect(report.violations).toEqual([]);
    expect(report.faults['nats-stop']).toBe(3);
    expect(report.recoveries['nats-start']).toBe(3);
    expect(report.natsOutages?.every((o) => o.paymentsSucceeded > 0)).toBe(true);
    expect(report.deliveries?.stream.messages).toBe(report.events.total);
    expect(report.operations.pay?.ok).toBeGreaterThan(100);
  });
});
