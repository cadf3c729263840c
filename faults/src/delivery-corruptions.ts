import { Webhook } from 'standardwebhooks';
import type { DeliveryRecord } from './deliveries.js';
import type { ApiEvent } from './event-world.js';
import type { StreamMessage } from './stream-reader.js';
import type { ReceivedDelivery } from './webhook-receiver.js';

/** The event ids `corruptDeliveries` broke, which the delivery checks must name. */
export interface DeliveryCorruptions {
  /** Every request of this event gone: never reached the receiver. */
  readonly droppedDelivery: string;
  /** A request of this event with its signature replaced. */
  readonly tamperedSignature: string;
  /** A request of this event with its body changed after signing. */
  readonly tamperedBody: string;
  /** A request of this event with another body, signed with the endpoint's secret. */
  readonly wrongBody: string;
  /** A signed request for an id no event has. */
  readonly strayDelivery: string;
  /** The log row of this event marked FAILED. */
  readonly failedInLog: string;
  /** Stored twice in the stream. */
  readonly doubledMessage: string;
  /** Gone from the stream. */
  readonly droppedMessage: string;
  /** Stored before the event listed just before it. */
  readonly reorderedMessage: string;
  /** The Nats-Msg-Id of a message that is no event. */
  readonly alienMessage: string;
}

/**
 * A run's delivery record with what the delivery checks exist to catch written into it: lost,
 * forged, altered and stray webhook requests, a failed delivery in the log; a stream holding an
 * event twice, missing one, out of order, and holding something else.
 */
export function corruptDeliveries(
  record: DeliveryRecord,
  expected: readonly ApiEvent[],
): { record: DeliveryRecord; corrupted: DeliveryCorruptions } {
  const webhooks = record.webhooks;
  if (webhooks === undefined) throw new Error('the run had no webhook receiver');
  const accepted = (id: string) =>
    webhooks.received.findIndex((d) => d.headers['webhook-id'] === id && d.status < 300);
  // Events of the load, apart from one another, each with a request the receiver accepted.
  const picks = expected.filter((_, n) => n % 97 === 13).filter((e) => accepted(e.id) >= 0);
  const [dropped, signature, body, wrong, logged] = picks;
  if (!dropped || !signature || !body || !wrong || !logged) {
    throw new Error('the run delivered too few events to corrupt');
  }
  const received = webhooks.received.filter((d) => d.headers['webhook-id'] !== dropped.id);
  const change = (id: string, how: (d: ReceivedDelivery) => ReceivedDelivery) => {
    const at = received.findIndex((d) => d.headers['webhook-id'] === id && d.status < 300);
    const original = received[at];
    if (original !== undefined) received[at] = how(original);
  };
  change(signature.id, (d) => ({
    ...d,
    headers: { ...d.headers, 'webhook-signature': sign(webhooks.secret, 'msg_forged', d.body) },
  }));
  change(body.id, (d) => ({ ...d, body: d.body.replace('"aggregate"', '"aggregate" ') }));
  const wrongBody = JSON.stringify({ ...wrong, type: 'order.refunded' });
  change(wrong.id, (d) => signed(webhooks.secret, wrong.id, wrongBody, d));
  const stray = `evt_stray_${Date.now()}`;
  const template = received[0];
  if (template === undefined) throw new Error('no request to copy');
  received.push(signed(webhooks.secret, stray, JSON.stringify({ id: stray }), template));
  const log = webhooks.log.map((row) =>
    row.eventId === logged.id ? { ...row, status: 'FAILED', lastError: 'corrupted' } : row,
  );

  const messages = [...record.messages];
  const at = (n: number): StreamMessage => {
    const message = messages[n];
    if (message === undefined) throw new Error('the stream holds too few messages to corrupt');
    return message;
  };
  const doubled = at(10);
  const droppedMessage = at(20);
  const [first, second] = [at(30), at(31)];
  messages.splice(30, 2, second, first);
  messages.splice(20, 1);
  messages.splice(11, 0, doubled);
  const alien = `not-an-event-${Date.now()}`;
  messages.push({
    seq: at(messages.length - 1).seq + 1,
    subject: first.subject,
    msgId: alien,
    body: '{}',
  });

  return {
    record: { webhooks: { ...webhooks, received, log }, messages },
    corrupted: {
      droppedDelivery: dropped.id,
      tamperedSignature: signature.id,
      tamperedBody: body.id,
      wrongBody: wrong.id,
      strayDelivery: stray,
      failedInLog: logged.id,
      doubledMessage: doubled.msgId ?? '',
      droppedMessage: droppedMessage.msgId ?? '',
      reorderedMessage: second.msgId ?? '',
      alienMessage: alien,
    },
  };
}

function sign(secret: string, id: string, body: string): string {
  return new Webhook(secret).sign(id, new Date(), body);
}

/** `body` under `id`, signed with the endpoint's secret, as a 2xx-answered request. */
function signed(
  secret: string,
  id: string,
  body: string,
  like: ReceivedDelivery,
): ReceivedDelivery {
  const now = new Date();
  return {
    ...like,
    status: 204,
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    },
  };
}
