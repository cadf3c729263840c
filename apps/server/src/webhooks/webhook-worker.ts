import { randomUUID } from 'node:crypto';
import type { Database } from '@orders/db';
import type { Logger } from 'pino';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import { createSleeper } from '../relay/sleeper.js';
import {
  attemptWebhookDelivery,
  claimWebhookDeliveries,
  fanOutWebhookEvents,
  releaseWebhookWork,
  type WebhookSettings,
} from '../use-cases/webhook-delivery.js';

export interface WebhookWorker {
  stop(): Promise<void>;
}

const FAN_OUT_BATCH = 200;
const CLAIM_BATCH = 16;
/** What a claim's lease adds to `WEBHOOK_TIMEOUT_MS`. */
const LEASE_MARGIN_MS = 5_000;

/**
 * The webhook delivery worker, in every instance (DESIGN §2 Webhooks). Each round: fan new
 * events out to deliveries (one instance at a time, by a lease), then claim due deliveries
 * (`for update skip locked`, under a lease longer than the timeout) and send them at once. A
 * killed instance's claimed deliveries come back when their lease runs out: at least once.
 */
export function startWebhookWorker(deps: {
  db: Database;
  logger: Logger;
  now: () => Date;
  settings: WebhookSettings;
  metrics: DomainMetrics;
  pollMs: number;
}): WebhookWorker {
  const owner = `webhooks-${randomUUID()}`;
  const log = deps.logger.child({ worker: 'webhooks' });
  const sleeper = createSleeper();
  // An attempt lasts at most the timeout (its DNS lookup included) and its recording: the lease
  // covers both with room to spare, and a killed instance's deliveries come back soon after.
  const leaseMs = deps.settings.timeoutMs + LEASE_MARGIN_MS;
  const fanOutLeaseMs = Math.max(5_000, deps.pollMs * 10);
  let stopped = false;
  let failing = false;
  let stopping: Promise<void> | undefined;

  async function round(): Promise<boolean> {
    const read = await fanOutWebhookEvents(deps, owner, fanOutLeaseMs, FAN_OUT_BATCH);
    const claimed = await claimWebhookDeliveries(deps, owner, leaseMs, CLAIM_BATCH);
    const results = await Promise.all(
      claimed.map((delivery) => attemptWebhookDelivery(deps, owner, delivery)),
    );
    for (const [i, r] of results.entries()) {
      if (r.disabled)
        log.warn({ endpointId: claimed[i]?.endpoint.id }, 'webhook endpoint disabled');
    }
    return read === FAN_OUT_BATCH || claimed.length === CLAIM_BATCH;
  }

  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by stop()
    while (!stopped) {
      let busy = false;
      try {
        busy = await round();
        failing = false;
      } catch (error) {
        if (!failing)
          log.warn(
            { error: error instanceof Error ? error.message : String(error) },
            'webhook worker round failed',
          );
        failing = true;
      }
      if (!busy) await sleeper.sleep(deps.pollMs);
    }
  })();

  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        sleeper.stop();
        await loop;
        await releaseWebhookWork(deps, owner).catch(() => undefined);
      })();
      return stopping;
    },
  };
}
