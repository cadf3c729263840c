import { randomUUID } from 'node:crypto';
import type { Database } from '@orders/db';
import type { Logger } from 'pino';
import type { NatsRelayMetrics } from '../metrics/nats-relay-metrics.js';
import {
  giveUpRelayLease,
  holdRelayLease,
  nextEventsToRelay,
  recordEventsRelayed,
  type RelayIdentity,
} from '../use-cases/relay-events.js';
import { openJetStreamLink, type JetStreamLink, type JetStreamTarget } from './jetstream-link.js';
import { createSleeper } from './sleeper.js';

export interface NatsRelaySettings extends JetStreamTarget {
  /** How often a caught-up relay looks for new events (ms). */
  readonly pollMs: number;
  /** The lease's length (ms); renewed every third of it. */
  readonly leaseMs: number;
}

export interface NatsRelay {
  /** True while this instance holds the relay's lease (and so publishes). */
  isLeader(): boolean;
  /** Stops publishing, gives the lease up and closes the connection. Idempotent. */
  stop(): Promise<void>;
}

const BATCH = 100;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

/**
 * The outbox's relay to NATS JetStream (DESIGN §2 Delivery), started in every instance: one of
 * them at a time holds the lease and publishes. Two loops:
 * - the lease loop claims or renews the lease every third of its length. This instance counts
 *   itself the holder until `leaseMs` after it *asked* — never longer than the database's own
 *   lease, whatever the two clocks say;
 * - the publish loop, while holding it, publishes the events after the stored cursor in cursor
 *   order, one at a time (the next only after the PubAck, so the stream stores them in order),
 *   with `Nats-Msg-Id` = the event id, then moves the stored cursor to the last one acknowledged
 *   — compare-and-set on the lease, so a holder that lost it moves nothing. A crash between a
 *   PubAck and that write re-publishes those events: JetStream drops them as duplicates.
 * NATS unreachable: logged once per outage, retried with backoff; nothing else waits for it.
 */
export function startNatsRelay(deps: {
  db: Database;
  logger: Logger;
  settings: NatsRelaySettings;
  metrics: NatsRelayMetrics;
}): NatsRelay {
  const { db, logger, settings } = deps;
  const relay: RelayIdentity = { name: settings.stream, owner: `relay-${randomUUID()}` };
  const log = logger.child({ relay: relay.name });
  const sleeper = createSleeper();
  let stopped = false;
  let heldUntil = 0;
  const isLeader = () => !stopped && Date.now() < heldUntil;

  async function keepLease(): Promise<void> {
    let leading = false;
    let dbFailing = false;
    while (!stopped) {
      const askedAt = Date.now();
      try {
        const held = await holdRelayLease({ db }, relay, settings.leaseMs);
        heldUntil = held ? askedAt + settings.leaseMs : 0;
        dbFailing = false;
      } catch (error) {
        // The lease runs out on its own time; the publish loop stops when it has.
        if (!dbFailing) log.warn({ error: messageOf(error) }, 'NATS relay cannot renew its lease');
        dbFailing = true;
      }
      if (isLeader() !== leading) {
        leading = isLeader();
        log.info({ owner: relay.owner }, leading ? 'NATS relay leading' : 'NATS relay standing by');
      }
      await sleeper.sleep(Math.max(1, Math.floor(settings.leaseMs / 3)));
    }
  }

  /** Publishes the next batch; resolves to how many went out. */
  async function relayBatch(link: JetStreamLink): Promise<number> {
    const events = await nextEventsToRelay({ db }, relay, BATCH);
    let acknowledged: string | undefined;
    let count = 0;
    let failure: Error | undefined;
    for (const event of events) {
      if (!isLeader()) break;
      try {
        await link.publish(
          `${settings.subjectPrefix}.${event.type}`,
          JSON.stringify(event),
          event.id,
        );
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        break;
      }
      acknowledged = event.cursor;
      count++;
    }
    deps.metrics.published(count);
    if (acknowledged !== undefined && !(await recordEventsRelayed({ db }, relay, acknowledged))) {
      heldUntil = 0;
      log.warn('NATS relay lost its lease: another instance relays from the stored cursor');
    }
    if (failure !== undefined) throw failure;
    return count;
  }

  async function publishLoop(): Promise<void> {
    let link: JetStreamLink | undefined;
    let failures = 0;
    while (!stopped) {
      if (!isLeader()) {
        await link?.close();
        link = undefined;
        await sleeper.sleep(settings.pollMs);
        continue;
      }
      try {
        if (link !== undefined && !link.isOpen()) link = undefined;
        link ??= await openJetStreamLink(settings);
        const published = await relayBatch(link);
        if (failures > 0) log.info({ failures }, 'NATS relay publishing again');
        failures = 0;
        if (published < BATCH) await sleeper.sleep(settings.pollMs);
      } catch (error) {
        // Once per outage, without a stack: a NATS outage is an expected condition here.
        if (failures === 0) {
          log.warn({ error: messageOf(error) }, 'NATS relay cannot publish; events wait, retrying');
        }
        failures++;
        link?.recheckStream();
        await sleeper.sleep(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1)));
      }
    }
    await link?.close();
  }

  const running = Promise.all([keepLease(), publishLoop()]).then(
    () => undefined,
    (error: unknown) => {
      // Both loops catch what they expect; anything else is a bug: said, never unhandled.
      heldUntil = 0;
      log.error({ err: error }, 'NATS relay stopped on an unexpected error');
    },
  );
  let stopping: Promise<void> | undefined;
  return {
    isLeader,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        sleeper.stop();
        await running;
        heldUntil = 0;
        await giveUpRelayLease({ db }, relay).catch((error: unknown) => {
          log.warn({ error: messageOf(error) }, 'NATS relay could not release its lease');
        });
      })();
      return stopping;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
