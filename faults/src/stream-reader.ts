import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** A message as the stream stores it. */
export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  /** The `Nats-Msg-Id` header (the relay sets the event id); undefined when absent. */
  readonly msgId: string | undefined;
  readonly body: string;
}

const FETCH_BATCH = 1_000;
const FETCH_EXPIRES_MS = 3_000;

/**
 * Everything the stream holds, in stream order, read by an ordered consumer from its first
 * message to the last one the stream info showed when the read began (nothing is published
 * meanwhile: the run has settled). Empty when the stream does not exist.
 */
export async function readStream(url: string, stream: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (info === undefined || info.state.messages === 0) return [];
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages: StreamMessage[] = [];
    let last = 0;
    while (last < info.state.last_seq) {
      const batch = await consumer.fetch({
        max_messages: FETCH_BATCH,
        expires: FETCH_EXPIRES_MS,
      });
      let got = 0;
      for await (const m of batch) {
        got++;
        last = m.seq;
        messages.push({
          seq: m.seq,
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id') || undefined,
          body: m.string(),
        });
      }
      if (got === 0)
        throw new Error(`the stream ${stream} stopped at ${last} of ${info.state.last_seq}`);
    }
    return messages;
  } finally {
    await nc.close();
  }
}

/**
 * Publishes straight to the stream, as a buggy (or foreign) publisher would: for the corruption
 * self-tests. With a `msgId`, JetStream drops it if that id is within its duplicate window.
 */
export async function publishToStream(
  url: string,
  subject: string,
  body: string,
  msgId?: string,
): Promise<{ duplicate: boolean }> {
  const nc = await connect({ servers: url });
  try {
    const ack = await jetstream(nc).publish(
      subject,
      body,
      msgId === undefined ? {} : { msgID: msgId },
    );
    return { duplicate: ack.duplicate };
  } finally {
    await nc.close();
  }
}
