import type { Client } from './clients.js';
import { query } from './cluster.js';
import type { DeliveryLogRow } from './delivery-checks.js';
import type { ApiEvent } from './event-world.js';
import { sleep } from './load.js';
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from './webhook-receiver.js';

/**
 * The webhook side of a scenario: the loopback receiver, its endpoint (registered by the admin
 * for `*` before the load), the settings the instances run with, and what it all came to.
 */
export interface WebhookRig {
  readonly receiver: WebhookReceiver;
  readonly serverEnv: Readonly<Record<string, string>>;
  /** The receiver's endpoint, once registered. */
  endpointId(): string;
  register(admin: Client): Promise<void>;
}

/** The server's timeout for a delivery; the receiver's late answers come after it. */
const WEBHOOK_TIMEOUT_MS = 1_000;
/** Retries within a second or so each, so those of the last events end within the wait. */
const WEBHOOK_RETRY_SCHEDULE = '100,200,400,800,1000,1000,1000,1000';
const RECEIVER = {
  failRate: 0.04,
  slowRate: 0.01,
  slowMs: [100, 400],
  lateRate: 0.002,
  lateMs: WEBHOOK_TIMEOUT_MS + 300,
} as const;
/**
 * How long, once the run has settled, the receiver gets to accept every event and the log to end
 * DELIVERED. A delivery claimed by an instance killed -9 (or whose attempt could not be recorded
 * because the database went away) comes back only when its claim runs out: the server holds it
 * WEBHOOK_TIMEOUT_MS + 5 s.
 */
const WEBHOOK_WAIT_MS = 30_000;

export async function startWebhookRig(): Promise<WebhookRig> {
  const receiver = await startWebhookReceiver(RECEIVER);
  let endpoint: string | undefined;
  return {
    receiver,
    serverEnv: {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      WEBHOOK_RETRY_SCHEDULE,
      // The receiver's 500s must never add up to a disabled endpoint: this run is about loss.
      WEBHOOK_DISABLE_AFTER: '1000',
    },
    endpointId() {
      if (endpoint === undefined) throw new Error('the receiver is not registered');
      return endpoint;
    },
    async register(admin) {
      const created = await admin.webhooks.create.mutate({
        url: receiver.url,
        types: ['*'],
        description: 'fault suite receiver',
      });
      receiver.setSecret(created.secret);
      endpoint = created.id;
    },
  };
}

/** What the receiver got and the server's log says, at the end of the run. */
export interface WebhookRecord {
  readonly secret: string;
  readonly received: readonly ReceivedDelivery[];
  readonly log: readonly DeliveryLogRow[];
  /** The log's attempts by outcome: the status the server got, or its error's first word. */
  readonly attemptsByOutcome: Readonly<Record<string, number>>;
}

export interface WebhookFigures {
  /** Requests the receiver got, by the status it answered, and by pace. */
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byPace: Readonly<Record<string, number>>;
  /** Distinct events it accepted (2xx), and the 2xx copies beyond the first (deduped). */
  readonly eventsAccepted: number;
  readonly duplicatesBeforeDedup: number;
  /** The log: deliveries, attempts, deliveries that took more than one, the most one took. */
  readonly deliveries: number;
  readonly attempts: number;
  readonly retried: number;
  readonly maxAttempts: number;
  readonly attemptsByOutcome: Readonly<Record<string, number>>;
  /** From the end of the load until every event was accepted and the log all DELIVERED. */
  readonly msToAllDelivered: number | null;
}

/**
 * Waits (up to {@link WEBHOOK_WAIT_MS}) until the receiver has accepted every `expected` event
 * and no delivery waits, then reads the log: the record, and the time that took from `loadEnded`
 * (null: not in time).
 */
export async function finishWebhooks(
  rig: WebhookRig,
  databaseUrl: string,
  expected: readonly ApiEvent[],
  loadEnded: number,
): Promise<{ record: WebhookRecord; msToAllDelivered: number | null }> {
  const endpointId = rig.endpointId();
  const waiting = new Set(expected.map((e) => e.id));
  const received = rig.receiver.received;
  let read = 0;
  let msToAllDelivered: number | null = null;
  const deadline = Date.now() + WEBHOOK_WAIT_MS;
  while (Date.now() < deadline) {
    for (; read < received.length; read++) {
      const delivery = received[read];
      if (delivery && delivery.status < 300) waiting.delete(delivery.headers['webhook-id'] ?? '');
    }
    if (waiting.size === 0 && (await openDeliveries(databaseUrl, endpointId)) === 0) {
      msToAllDelivered = Date.now() - loadEnded;
      break;
    }
    await sleep(250);
  }
  const record: WebhookRecord = {
    secret: rig.receiver.secret(),
    received: [...received],
    log: await query<DeliveryLogRow>(
      databaseUrl,
      `select event_id as "eventId", status, attempts, last_error as "lastError"
         from webhook_deliveries where endpoint_id = $1 order by created_at`,
      [endpointId],
    ),
    attemptsByOutcome: await attemptsByOutcome(databaseUrl, endpointId),
  };
  return { record, msToAllDelivered };
}

async function openDeliveries(databaseUrl: string, endpointId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    databaseUrl,
    `select count(*)::int as n from webhook_deliveries
      where endpoint_id = $1 and status in ('PENDING', 'RETRY')`,
    [endpointId],
  );
  return row?.n ?? 0;
}

async function attemptsByOutcome(
  databaseUrl: string,
  endpointId: string,
): Promise<Record<string, number>> {
  const rows = await query<{ outcome: string; n: number }>(
    databaseUrl,
    `select coalesce(a.status_code::text, split_part(a.error, ' ', 1), 'none') as outcome,
            count(*)::int as n
       from webhook_delivery_attempts a join webhook_deliveries d on d.id = a.delivery_id
      where d.endpoint_id = $1 group by 1 order by 1`,
    [endpointId],
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

export function webhookFigures(
  record: WebhookRecord,
  msToAllDelivered: number | null,
): WebhookFigures {
  const count = (key: (d: ReceivedDelivery) => string) => {
    const counts: Record<string, number> = {};
    for (const d of record.received) counts[key(d)] = (counts[key(d)] ?? 0) + 1;
    return counts;
  };
  const accepted = record.received.filter((d) => d.status >= 200 && d.status < 300);
  const acceptedIds = new Set(accepted.map((d) => d.headers['webhook-id']));
  return {
    requests: record.received.length,
    byStatus: count((d) => String(d.status)),
    byPace: count((d) => d.pace),
    eventsAccepted: acceptedIds.size,
    duplicatesBeforeDedup: accepted.length - acceptedIds.size,
    deliveries: record.log.length,
    attempts: record.log.reduce((sum, r) => sum + r.attempts, 0),
    retried: record.log.filter((r) => r.attempts > 1).length,
    maxAttempts: Math.max(0, ...record.log.map((r) => r.attempts)),
    attemptsByOutcome: record.attemptsByOutcome,
    msToAllDelivered,
  };
}
