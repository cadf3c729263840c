import { canonical } from './event-reader-checks.js';
import type { ApiEvent } from './event-world.js';
import type { StreamMessage } from './stream-reader.js';
import { verifyDelivery, type ReceivedDelivery } from './webhook-receiver.js';

/**
 * What the two ways out delivered, against `events.list`: the webhook receiver's requests (and
 * the server's delivery log), and what the JetStream stream stores.
 */

export const WEBHOOK_INVARIANT =
  'every event events.list shows after the start reached the webhook receiver (endpoint for *, registered before the load) with a 2xx at least once, every request passing standardwebhooks verification with its body the event as events.list shows it; after dedup by webhook-id, each exactly once and nothing else; the delivery log ends with each DELIVERED';
export const STREAM_INVARIANT =
  'the JetStream stream holds every event events.list shows exactly once (by Nats-Msg-Id), in cursor order, on subject <prefix>.<type> with the event as its body, and nothing that is not an event';

/** A row of the server's delivery log for the receiver's endpoint. */
export interface DeliveryLogRow {
  readonly eventId: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** Lines shown per kind of problem; a first line counts them all. */
const SHOWN = 10;

/**
 * How the receiver's requests differ from the events listed after the start: requests failing
 * verification, a `webhook-id` that is not its body's id, a body that is not the event, events
 * never accepted, deliveries of something else; and log rows not DELIVERED, or DELIVERED though
 * the receiver never accepted that event.
 */
export function webhookProblems(input: {
  readonly secret: string;
  readonly received: readonly ReceivedDelivery[];
  readonly expected: readonly ApiEvent[];
  readonly log: readonly DeliveryLogRow[];
}): string[] {
  const expected = new Map(input.expected.map((e) => [e.id, e]));
  const accepted = new Set<string>();
  const unverified: string[] = [];
  const misnamed: string[] = [];
  const altered = new Set<string>();
  const strays = new Set<string>();
  for (const delivery of input.received) {
    const id = delivery.headers['webhook-id'] ?? '';
    const verified = verifyDelivery(input.secret, delivery);
    if (!verified.ok) {
      unverified.push(`fails standardwebhooks verification: ${id} (${verified.error})`);
      continue;
    }
    const payload = verified.payload as { id?: unknown } | null;
    if (payload?.id !== id) misnamed.push(`webhook-id ${id} carries event ${String(payload?.id)}`);
    const event = expected.get(id);
    if (event === undefined) {
      strays.add(id);
      continue;
    }
    if (canonical(payload) !== canonical(event)) altered.add(id);
    if (delivery.status >= 200 && delivery.status < 300) accepted.add(id);
  }
  const missed = input.expected.filter((e) => !accepted.has(e.id));
  const logged = new Map(input.log.map((row) => [row.eventId, row]));
  const unlogged = input.expected.filter((e) => !logged.has(e.id));
  const undelivered = input.log.filter((row) => row.status !== 'DELIVERED');
  const unaccepted = input.log.filter((r) => r.status === 'DELIVERED' && !accepted.has(r.eventId));
  const counts = [
    unverified.length,
    misnamed.length,
    altered.size,
    missed.length,
    strays.size,
    unlogged.length,
    undelivered.length,
    unaccepted.length,
  ];
  if (counts.every((n) => n === 0)) return [];
  return [
    `${input.expected.length} listed after the start, ${input.received.length} requests, ` +
      `${accepted.size} events accepted after dedup: ${unverified.length} failed verification, ` +
      `${misnamed.length} misnamed, ${altered.size} with another body, ${missed.length} missed, ` +
      `${strays.size} not events after the start; log: ${unlogged.length} events without a ` +
      `delivery, ${undelivered.length} not DELIVERED, ${unaccepted.length} DELIVERED unaccepted`,
    ...unverified.slice(0, SHOWN),
    ...misnamed.slice(0, SHOWN),
    ...[...altered].slice(0, SHOWN).map((id) => `body differs from events.list: ${id}`),
    ...missed.slice(0, SHOWN).map((e) => `never accepted: ${e.id} (${e.type}, ${e.cursor})`),
    ...[...strays].slice(0, SHOWN).map((id) => `delivered, not an event after the start: ${id}`),
    ...unlogged.slice(0, SHOWN).map((e) => `no delivery logged: ${e.id} (${e.type})`),
    ...undelivered
      .slice(0, SHOWN)
      .map((r) => `logged ${r.status} after ${r.attempts} attempts: ${r.eventId} (${r.lastError})`),
    ...unaccepted
      .slice(0, SHOWN)
      .map((r) => `logged DELIVERED, never accepted by the receiver: ${r.eventId}`),
  ];
}

/**
 * How the stream differs from every event listed (the relay publishes from the oldest): events
 * stored more than once or never, messages that are no listed event, the first break in cursor
 * order, and messages on another subject or with another body than the event's.
 */
export function streamProblems(input: {
  readonly messages: readonly StreamMessage[];
  readonly listed: readonly ApiEvent[];
  readonly subjectPrefix: string;
}): string[] {
  const listed = new Map(input.listed.map((e) => [e.id, e]));
  const copies = new Map<string, number>();
  const alien: StreamMessage[] = [];
  const firsts: StreamMessage[] = [];
  for (const message of input.messages) {
    const id = message.msgId;
    if (id === undefined || !listed.has(id)) {
      alien.push(message);
      continue;
    }
    const n = (copies.get(id) ?? 0) + 1;
    copies.set(id, n);
    if (n === 1) firsts.push(message);
  }
  const repeated = [...copies].filter(([, n]) => n > 1);
  const missed = input.listed.filter((e) => !copies.has(e.id));
  const stored = input.listed.filter((e) => copies.has(e.id)).map((e) => e.id);
  const at = firsts.findIndex((m, i) => m.msgId !== stored[i]);
  const reordered = at < 0 ? undefined : firsts[at];
  const misplaced: string[] = [];
  for (const message of firsts) {
    const event = listed.get(message.msgId ?? '');
    if (event === undefined) continue;
    if (message.subject !== `${input.subjectPrefix}.${event.type}`) {
      misplaced.push(`on subject ${message.subject}: ${event.id} (${event.type})`);
    }
    if (parsed(message.body) !== canonical(event)) {
      misplaced.push(`body differs from events.list: ${event.id} (seq ${message.seq})`);
    }
  }
  if (repeated.length + missed.length + alien.length + misplaced.length === 0 && !reordered) {
    return [];
  }
  return [
    `${input.listed.length} listed, ${input.messages.length} stored: ${missed.length} missing, ` +
      `${repeated.length} stored more than once, ${alien.length} not events, ` +
      `${reordered ? 'out of cursor order' : 'in cursor order'}, ${misplaced.length} misplaced`,
    ...repeated.slice(0, SHOWN).map(([id, n]) => `stored ${n} times: ${id}`),
    ...missed.slice(0, SHOWN).map((e) => `never stored: ${e.id} (${e.type}, ${e.cursor})`),
    ...alien
      .slice(0, SHOWN)
      .map((m) => `not an event: seq ${m.seq} on ${m.subject}, Nats-Msg-Id ${m.msgId ?? 'none'}`),
    ...(reordered
      ? [`out of cursor order from ${reordered.msgId ?? ''} (seq ${reordered.seq})`]
      : []),
    ...misplaced.slice(0, SHOWN),
  ];
}

function parsed(body: string): string {
  try {
    return canonical(JSON.parse(body));
  } catch {
    return body;
  }
}
