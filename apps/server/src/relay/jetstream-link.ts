import {
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Where the relay publishes: a NATS server (or list), a stream and its subjects' prefix. */
export interface JetStreamTarget {
  readonly servers: string;
  readonly stream: string;
  readonly subjectPrefix: string;
}

/** A connection to NATS with the relay's stream known to exist. */
export interface JetStreamLink {
  /**
   * Publishes `body` to `subject` with header `Nats-Msg-Id: msgID` and resolves on the stream's
   * PubAck (`duplicate`: JetStream had that id already within its duplicate window and dropped
   * this copy). Rejects on a timeout or a refusal: nothing is known stored.
   */
  publish(subject: string, body: string, msgID: string): Promise<{ duplicate: boolean }>;
  /** After a failure: look the stream up again before the next publish (NATS may have lost it). */
  recheckStream(): void;
  /** False once the connection closed for good; open a new link then. */
  isOpen(): boolean;
  /** Flushes what is pending and closes. */
  close(): Promise<void>;
}

/**
 * Connects (reconnecting on its own after a drop, for ever) and makes sure the stream exists:
 * created with subjects `<prefix>.>` and JetStream's defaults (a 2-minute duplicate window — a
 * re-publish after a crash or a lost PubAck, within it, is dropped) when missing. An existing
 * stream is used as it is.
 */
/**
 * How long a publish waits for its PubAck (nats.js waits 5 s by default). A publish in flight when
 * NATS went away never gets one; the relay retries only after this, so it bounds the catch-up
 * after a restart. On loopback or a LAN a PubAck takes milliseconds; a late one means a retry,
 * whose copy JetStream drops by its `Nats-Msg-Id`.
 */
const PUBACK_TIMEOUT_MS = 2_000;

export async function openJetStreamLink(target: JetStreamTarget): Promise<JetStreamLink> {
  const nc = await connect({
    servers: target.servers.split(',').map((server) => server.trim()),
    name: `orders-relay-${target.stream}`,
    reconnect: true,
    maxReconnectAttempts: -1,
  });
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await ensureStream(jsm, target);
    return linkOver(nc, jsm, js, target);
  } catch (error) {
    await nc.close();
    throw error;
  }
}

function linkOver(
  nc: NatsConnection,
  jsm: JetStreamManager,
  js: JetStreamClient,
  target: JetStreamTarget,
): JetStreamLink {
  let streamKnown = true;
  return {
    async publish(subject, body, msgID) {
      if (!streamKnown) {
        await ensureStream(jsm, target);
        streamKnown = true;
      }
      const ack = await js.publish(subject, body, { msgID, timeout: PUBACK_TIMEOUT_MS });
      return { duplicate: ack.duplicate };
    },
    recheckStream() {
      streamKnown = false;
    },
    isOpen: () => !nc.isClosed(),
    async close() {
      if (nc.isClosed()) return;
      // Draining waits for the server; when it is gone, close without waiting for it.
      await nc.drain().catch(() => nc.close());
    },
  };
}

async function ensureStream(jsm: JetStreamManager, target: JetStreamTarget): Promise<void> {
  try {
    await jsm.streams.info(target.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) {
      throw error;
    }
    await jsm.streams.add({ name: target.stream, subjects: [`${target.subjectPrefix}.>`] });
  }
}
