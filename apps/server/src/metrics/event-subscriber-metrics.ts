import { Gauge, type Registry } from 'prom-client';

/**
 * `event_subscribers`: `events.subscribe` streams open on this instance — read at scrape time
 * from the streams themselves, so it cannot drift from them.
 */
export function registerEventSubscriberMetrics(registry: Registry, open: () => number): void {
  new Gauge({
    name: 'event_subscribers',
    help: 'events.subscribe streams open on this instance',
    registers: [registry],
    collect() {
      this.set(open());
    },
  });
}
