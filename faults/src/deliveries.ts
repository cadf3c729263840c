import { randomBytes } from 'node:crypto';
import type { Client } from './clients.js';
import {
  STREAM_INVARIANT,
  streamProblems,
  WEBHOOK_INVARIANT,
  webhookProblems,
} from './delivery-checks.js';
import type { Teardown } from './environment.js';
import type { ApiEvent } from './event-world.js';
import { startPrivateNats, type PrivateNats } from './nats-server.js';
import { waitForRelay } from './relay-watch.js';
import { readStream, type StreamMessage } from './stream-reader.js';
import {
  finishWebhooks,
  startWebhookRig,
  webhookFigures,
  type WebhookFigures,
  type WebhookRecord,
  type WebhookRig,
} from './webhook-delivery.js';

/**
 * The ways out of the outbox, attached to a scenario: a private nats-server the instances' relay
 * publishes to (a stream of the scenario's own), and — unless the scenario runs the stream alone
 * — a loopback webhook receiver the admin registers for every event type before the load.
 */
export interface DeliveryRig {
  readonly nats: PrivateNats;
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly webhooks: WebhookRig | undefined;
  /** What the instances run with, on top of the fault timings. */
  readonly serverEnv: Readonly<Record<string, string>>;
  /** Registers the receiver's endpoint (no-op without one). */
  register(admin: Client): Promise<void>;
}

/** After the run, how long the relay gets to publish every event before the stream is read. */
const RELAY_WAIT_MS = 30_000;

export async function startDeliveryRig(
  teardown: Teardown,
  options: { webhooks: boolean },
): Promise<DeliveryRig> {
  const nats = await startPrivateNats();
  teardown.add(() => nats.destroy());
  const webhooks = options.webhooks ? await startWebhookRig() : undefined;
  if (webhooks) teardown.add(() => webhooks.receiver.close());
  const tag = randomBytes(4).toString('hex');
  const stream = `FAULTS_${tag}`;
  const subjectPrefix = `faults${tag}`;
  return {
    nats,
    stream,
    subjectPrefix,
    webhooks,
    serverEnv: {
      NATS_URL: nats.url,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: subjectPrefix,
      ...webhooks?.serverEnv,
    },
    async register(admin) {
      await webhooks?.register(admin);
    },
  };
}

/** What the report says of the deliveries. */
export interface DeliveryFigures {
  /** Undefined when the scenario ran the stream alone. */
  readonly webhooks: WebhookFigures | undefined;
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
  readonly webhooks: WebhookRecord | undefined;
  readonly messages: readonly StreamMessage[];
}

export function deliveryInvariants(rig: DeliveryRig): string[] {
  return rig.webhooks ? [WEBHOOK_INVARIANT, STREAM_INVARIANT] : [STREAM_INVARIANT];
}

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
  const webhooks =
    rig.webhooks &&
    (await finishWebhooks(rig.webhooks, databaseUrl, input.expected, input.loadEnded));
  await waitForRelay(databaseUrl, rig.stream, RELAY_WAIT_MS);
  const record: DeliveryRecord = {
    webhooks: webhooks?.record,
    messages: await readStream(rig.nats.url, rig.stream),
  };
  return {
    figures: {
      webhooks: webhooks && webhookFigures(webhooks.record, webhooks.msToAllDelivered),
      stream: {
        messages: record.messages.length,
        distinctMsgIds: new Set(record.messages.map((m) => m.msgId)).size,
        maxRelayLag: input.maxRelayLag,
        relayCatchUpMs: input.relayCatchUpMs ?? null,
      },
    },
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
  const webhooks = record.webhooks;
  return [
    ...(webhooks ? webhookProblems({ ...webhooks, expected: events.expected }) : []).map(
      (v) => `${WEBHOOK_INVARIANT}: ${v}`,
    ),
    ...streamProblems({ messages: record.messages, listed: events.listed, subjectPrefix }).map(
      (v) => `${STREAM_INVARIANT}: ${v}`,
    ),
  ];
}
