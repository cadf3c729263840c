import type { History } from './history.js';
import { sleep } from './load.js';
import type { Nemesis, Range } from './nemesis.js';
import { waitForRelay } from './relay-watch.js';
import { readyStatus, type ServerInstance } from './servers.js';

/** One NATS outage, as the run saw it. */
export interface NatsOutage {
  /** From nats-server's exit to its start again. */
  readonly downMs: number;
  /** Checkouts placed, and paid SUCCESS, entirely within the outage (call sent and answered). */
  readonly ordersPlaced: number;
  readonly paymentsSucceeded: number;
  /** /readyz polls during the outage, and those that were not 200. */
  readonly readyzPolls: number;
  readonly readyzNot200: number;
  /** The largest `nats_relay_lag_events` an instance's /metrics showed during the outage. */
  readonly lagMetric: number;
  /** From the start again until the relay's cursor passed the last event then written. */
  readonly relayCatchUpMs: number | null;
}

export const NATS_ORDERS_INVARIANT =
  'while NATS was down, checkouts went on: every outage saw orders placed and payments succeed';
export const NATS_READY_INVARIANT = '/readyz stays 200 on every instance while NATS is down';
export const NATS_LAG_INVARIANT =
  'while NATS was down, /metrics showed the events waiting (nats_relay_lag_events > 0)';
/** After a restart, how long the relay gets to catch up (reconnect, backoff ≤ 5 s, backlog). */
const CATCH_UP_WITHIN_MS = 20_000;
export const NATS_CATCH_UP_INVARIANT = `after each NATS restart, the relay's cursor passed every event written before it within ${CATCH_UP_WITHIN_MS / 1000} s`;

/**
 * Stops the scenario's nats-server (SIGTERM) `restarts` times, once in each equal slice of the
 * load, keeps it down for `downMs`, starts it again on the same port and store, and waits for
 * the relay to catch up before the next. Meanwhile it polls every instance's /readyz and
 * /metrics. The relay resumes only when the publish that was in flight at the stop times out
 * (its PubAck never comes: the relay waits 2 s), then after its backoff: NATS stopped again within
 * that time stalls it again, so outages closer together than that never let it catch up. The outages' figures go to the report; what they must show, to the invariants.
 */
export function restartNats(options: { restarts: number; downMs: Range }): Nemesis {
  return async ({ fleet, history, until, cluster, deliveries }) => {
    if (deliveries === undefined) throw new Error('restartNats needs a scenario with NATS');
    const slice = (until - Date.now()) / options.restarts;
    const first = Date.now();
    const outages: NatsOutage[] = [];
    for (let n = 0; n < options.restarts; n++) {
      // Never so late that the outage would outlast the load: it must see checkouts go on.
      const latest = until - options.downMs[1] - 1_000;
      await sleep(Math.min(first + slice * (n + Math.random() / 4), latest) - Date.now());
      const watch = watchInstances(fleet.instances);
      await deliveries.nats.stop();
      const stoppedAt = history.now();
      const down = between(options.downMs);
      history.fault('nats-stop', `down for ${Math.round(down)} ms`);
      await sleep(down);
      const { polls, not200, lag } = await watch.finish();
      const startedAt = history.now();
      await deliveries.nats.start();
      history.recovered('nats-start', `after ${startedAt - stoppedAt} ms`);
      // Before the next outage: one that came first would stall the catch-up (see below).
      const catchUp = await waitForRelay(
        cluster.databaseUrl,
        deliveries.stream,
        CATCH_UP_WITHIN_MS,
      );
      outages.push({
        downMs: startedAt - stoppedAt,
        ...checkoutsWithin(history, stoppedAt, startedAt),
        readyzPolls: polls,
        readyzNot200: not200,
        lagMetric: lag,
        relayCatchUpMs: catchUp ?? null,
      });
    }
    return {
      invariants: [
        NATS_ORDERS_INVARIANT,
        NATS_READY_INVARIANT,
        NATS_LAG_INVARIANT,
        NATS_CATCH_UP_INVARIANT,
      ],
      violations: outages.flatMap((outage, n) => outageViolations(n + 1, outage)),
      natsOutages: outages,
    };
  };
}

function outageViolations(n: number, o: NatsOutage): string[] {
  const at = `outage ${n} (${o.downMs} ms)`;
  return [
    ...(o.ordersPlaced === 0 || o.paymentsSucceeded === 0
      ? [`${NATS_ORDERS_INVARIANT}: ${at}: ${o.ordersPlaced} placed, ${o.paymentsSucceeded} paid`]
      : []),
    ...(o.readyzNot200 > 0 || o.readyzPolls === 0
      ? [`${NATS_READY_INVARIANT}: ${at}: ${o.readyzNot200} of ${o.readyzPolls} polls not 200`]
      : []),
    ...(o.lagMetric > 0 ? [] : [`${NATS_LAG_INVARIANT}: ${at}: it never did`]),
    ...(o.relayCatchUpMs === null ? [`${NATS_CATCH_UP_INVARIANT}: ${at}: it did not`] : []),
  ];
}

/** Orders placed and payments that succeeded by calls sent and answered within [from, to]. */
function checkoutsWithin(
  history: History,
  from: number,
  to: number,
): Pick<NatsOutage, 'ordersPlaced' | 'paymentsSucceeded'> {
  const within = history.operations.filter(
    (o) => o.result === 'ok' && o.start >= from && o.end <= to,
  );
  return {
    ordersPlaced: within.filter((o) => o.op === 'createOrder' || o.op === 'createOrderKeyless')
      .length,
    paymentsSucceeded: within.filter((o) => o.op === 'pay' && o.value?.status === 'SUCCESS').length,
  };
}

/** Polls each instance's /readyz and the relay lag on its /metrics every 200 ms until finished. */
function watchInstances(instances: readonly ServerInstance[]) {
  let watching = true;
  let polls = 0;
  let not200 = 0;
  let lag = 0;
  const loops = instances.map(async (instance) => {
    while (watching) {
      const status = await readyStatus(instance.url);
      polls++;
      if (status !== 200) not200++;
      lag = Math.max(lag, await lagMetric(instance.url));
      await sleep(200);
    }
  });
  return {
    async finish() {
      watching = false;
      await Promise.all(loops);
      return { polls, not200, lag };
    },
  };
}

/** `nats_relay_lag_events` from the instance's /metrics; 0 when it does not answer. */
async function lagMetric(url: string): Promise<number> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const match = /^nats_relay_lag_events (\d+)/m.exec(await response.text());
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function between([min, max]: Range): number {
  return min + Math.random() * (max - min);
}
