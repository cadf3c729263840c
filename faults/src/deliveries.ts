import { randomBytes } from 'node:crypto';
import type { Client } from './clients.js';
import { query } from './cluster.js';
import {
  STREAM_INVARIANT,
  streamProblems,
  WEBHOOK_INVARIANT,
  webhookProblems,
  type DeliveryLogRow,
} from './delivery-checks.js';
import type { Teardown } from './environment.js';
import type { ApiEvent } from './event-world.js';
import { sleep } from './load.js';
import { startPrivateNats, type PrivateNats } from './nats-server.js';
import { waitForRelay } from './relay-watch.js';
import { readStream, type StreamMessage } from './stream-reader.js';
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from './webhook-receiver.js';

/**
 * The two ways out of the outbox, attached to a scenario: a private nats-server the instances'
 * relay publishes to (a stream of the scenario's own), and a loopback webhook receiver the admin
 * registers for every event type before the load.
 */
export interface DeliveryRig {
  readonly nats: PrivateNats;
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly receiver: WebhookReceiver;
  /** What the instances run with, on top of the fault timings. */
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
 * WEBHOOK_TIMEOUT_MS + 30 s.
 */
const WEBHOOK_WAIT_MS = 60_000;
const RELAY_WAIT_MS = 30_000;

export async function startDeliveryRig(teardown: Teardown): Promise<DeliveryRig> {
  const nats = await startPrivateNats();
  teardown.add(() => nats.destroy());
  const receiver = await startWebhookReceiver(RECEIVER);
  teardown.add(() => receiver.close());
  const tag = randomBytes(4).toString('hex');
  const stream = `FAULTS_${tag}`;
  const subjectPrefix = `faults${tag}`;
  let endpoint: string | undefined;
  return {
    nats,
    stream,
    subjectPrefix,
    receiver,
    serverEnv: {
      NATS_URL: nats.url,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: subjectPrefix,
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

/** What the report says of the deliveries. */
export interface DeliveryFigures {
  readonly webhooks: {
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
    /** The log's attempts by outcome: the status the server got, or its error's first word. */
    readonly attemptsByOutcome: Readonly<Record<string, number>>;
    /** From the end of the load until every event was accepted and the log all DELIVERED. */
    readonly msToAllDelivered: number | null;
  };
  readonly stream: {
    readonly messages: number;
    readonly distinctMsgIds: number;
    /** The most events that waited for the relay, sampled every 0.5 s during the run. */
    readonly maxRelayLag: number;
    /** From the end of the load until the relay's cursor passed the last event then written. */
    readonly relayCatchUpMs: number | null;
  };
}

/** What the deliveries came to: for the checks, and for the corruption self-tests. */
export interface DeliveryRecord {
  readonly secret: string;
  readonly received: readonly ReceivedDelivery[];
  readonly log: readonly DeliveryLogRow[];
  readonly attemptsByOutcome: Readonly<Record<string, number>>;
  readonly messages: readonly StreamMessage[];
}

export const DELIVERY_INVARIANTS = [WEBHOOK_INVARIANT, STREAM_INVARIANT];

/**
 * Once the run has settled and the follower caught up: waits for the receiver and the relay,
 * reads the delivery log and the stream, and checks both against `events.list` (`expected`: the
 * events listed after the start; `listed`: all of them).
 */
export async function finishDeliveries(input: {
  readonly rig: DeliveryRig;
  readonly databaseUrl: string;
  readonly loadEnded: number;
  readonly expected: readonly ApiEvent[];
  readonly listed: readonly ApiEvent[];
  readonly relayCatchUpMs: number | undefined;
  readonly maxRelayLag: number;
}): Promise<{ figures: DeliveryFigures; record: DeliveryRecord; violations: string[] }> {
  const { rig, databaseUrl } = input;
  const delivered = await waitForWebhooks(rig, databaseUrl, input.expected);
  const msToAllDelivered = delivered ? Date.now() - input.loadEnded : null;
  await waitForRelay(databaseUrl, rig.stream, RELAY_WAIT_MS);
  const record: DeliveryRecord = {
    secret: rig.receiver.secret(),
    received: [...rig.receiver.received],
    log: await deliveryLog(databaseUrl, rig.endpointId()),
    attemptsByOutcome: await attemptsByOutcome(databaseUrl, rig.endpointId()),
    messages: await readStream(rig.nats.url, rig.stream),
  };
  return {
    figures: deliveryFigures(record, {
      msToAllDelivered,
      relayCatchUpMs: input.relayCatchUpMs ?? null,
      maxRelayLag: input.maxRelayLag,
    }),
    record,
    violations: deliveryViolations(record, input, rig.subjectPrefix),
  };
}

/** The checks' lines, each under its invariant's name. */
export function deliveryViolations(
  record: DeliveryRecord,
  events: { readonly expected: readonly ApiEvent[]; readonly listed: readonly ApiEvent[] },
  subjectPrefix: string,
): string[] {
  return [
    ...webhookProblems({ ...record, expected: events.expected }).map(
      (v) => `${WEBHOOK_INVARIANT}: ${v}`,
    ),
    ...streamProblems({ messages: record.messages, listed: events.listed, subjectPrefix }).map(
      (v) => `${STREAM_INVARIANT}: ${v}`,
    ),
  ];
}

/** Until every expected event was accepted and no delivery waits; false if not in time. */
async function waitForWebhooks(
  rig: DeliveryRig,
  databaseUrl: string,
  expected: readonly ApiEvent[],
): Promise<boolean> {
  const waiting = new Set(expected.map((e) => e.id));
  const received = rig.receiver.received;
  let read = 0;
  const deadline = Date.now() + WEBHOOK_WAIT_MS;
  while (Date.now() < deadline) {
    for (; read < received.length; read++) {
      const delivery = received[read];
      if (delivery && delivery.status < 300) waiting.delete(delivery.headers['webhook-id'] ?? '');
    }
    if (waiting.size === 0 && (await openDeliveries(databaseUrl, rig.endpointId())) === 0) {
      return true;
    }
    await sleep(250);
  }
  return false;
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

function deliveryLog(databaseUrl: string, endpointId: string): Promise<DeliveryLogRow[]> {
  return query<DeliveryLogRow>(
    databaseUrl,
    `select event_id as "eventId", status, attempts, last_error as "lastError"
       from webhook_deliveries where endpoint_id = $1 order by created_at`,
    [endpointId],
  );
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

function deliveryFigures(
  record: DeliveryRecord,
  timing: { msToAllDelivered: number | null; relayCatchUpMs: number | null; maxRelayLag: number },
): DeliveryFigures {
  const count = (key: (d: ReceivedDelivery) => string) => {
    const counts: Record<string, number> = {};
    for (const d of record.received) counts[key(d)] = (counts[key(d)] ?? 0) + 1;
    return counts;
  };
  const accepted = record.received.filter((d) => d.status >= 200 && d.status < 300);
  const acceptedIds = new Set(accepted.map((d) => d.headers['webhook-id']));
  return {
    webhooks: {
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
      msToAllDelivered: timing.msToAllDelivered,
    },
    stream: {
      messages: record.messages.length,
      distinctMsgIds: new Set(record.messages.map((m) => m.msgId)).size,
      maxRelayLag: timing.maxRelayLag,
      relayCatchUpMs: timing.relayCatchUpMs,
    },
  };
}
