import { Counter, Gauge, type Registry } from 'prom-client';

/** What the NATS relay counts as it goes. */
export interface NatsRelayMetrics {
  /** Events the stream acknowledged (a PubAck, duplicates included). */
  published(count: number): void;
}

/** Bound of the lag count: past it the gauge reads this value (a backlog that large is news). */
export const RELAY_LAG_BOUND = 10_000;

/**
 * `nats_relay_published_total`, and two gauges read at scrape time: `nats_relay_leader` (1 on the
 * instance holding the relay's lease) and `nats_relay_lag_events` (events after the stored cursor,
 * counted up to {@link RELAY_LAG_BOUND}; every instance reports it, from the shared database).
 */
export function registerNatsRelayMetrics(
  registry: Registry,
  read: { leader: () => boolean; lag: () => Promise<number> },
): NatsRelayMetrics {
  const published = new Counter({
    name: 'nats_relay_published_total',
    help: 'events published to the NATS JetStream stream and acknowledged by it',
    registers: [registry],
  });
  new Gauge({
    name: 'nats_relay_leader',
    help: '1 on the instance that holds the NATS relay lease, else 0',
    registers: [registry],
    collect() {
      this.set(read.leader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'nats_relay_lag_events',
    help: `events not yet published to NATS (counted up to ${RELAY_LAG_BOUND})`,
    registers: [registry],
    async collect() {
      // The database down: the last value stays (the outage shows elsewhere).
      const lag = await read.lag().catch(() => undefined);
      if (lag !== undefined) this.set(lag);
    },
  });
  return {
    published(count) {
      published.inc(count);
    },
  };
}
