import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { EventEnvelope } from '../routers/event-schemas.js';
import { readStream, until, type StoredStreamMessage } from './jetstream-stream.js';
import { pay, placeOrderFor } from './payment-fixtures.js';
import { signUpCustomer, type TestClient } from './test-client.js';

/** Every event in the outbox, in cursor order, as an admin reads them. */
export async function allEvents(admin: TestClient): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await admin.events.list.query({ after, limit: 100 });
    events.push(...page.items);
    if (page.cursor !== null) after = page.cursor;
    if (!page.hasMore) return events;
  }
}

/** A new customer buys `sku` (stocked by the admin) on `serverUrl` and pays: one checkout. */
export async function checkout(serverUrl: string, admin: TestClient, sku: string) {
  const customer = await signUpCustomer(serverUrl, `relay-${randomUUID()}@example.com`);
  const order = await placeOrderFor(admin, customer.client, { sku, quantity: 1, onHand: 1000 });
  const payment = await pay(customer.client, order.id);
  return { customer, order, payment };
}

/**
 * Waits until the stream holds as many messages as the outbox has events, then checks that it
 * holds each of them exactly once, in cursor order: subject `<prefix>.<type>`, `Nats-Msg-Id` the
 * event's id, body the envelope the API returns.
 */
export async function expectEveryEventOnceInOrder(
  admin: TestClient,
  target: { servers: string; stream: string; subjectPrefix: string },
): Promise<{ events: EventEnvelope[]; messages: StoredStreamMessage[] }> {
  const seen = await until(
    async () => {
      const events = await allEvents(admin);
      const messages = await readStream(target.servers, target.stream);
      return { events, messages };
    },
    ({ events, messages }) => events.length > 0 && messages.length >= events.length,
    90_000,
  );
  // Read the outbox again: an event listed after the stream was read would be missed above.
  const events = await allEvents(admin);
  const messages = await readStream(target.servers, target.stream);
  expect(seen.messages.length).toBeGreaterThan(0);
  expect(new Set(messages.map((m) => m.msgId)).size).toBe(messages.length);
  expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
  expect(messages.map((m) => m.subject)).toEqual(
    events.map((e) => `${target.subjectPrefix}.${e.type}`),
  );
  expect(messages.map((m) => m.body)).toEqual(events);
  return { events, messages };
}

/** Checkouts running back to back in `workers` loops, until `stop`; every one must succeed. */
export function startCheckoutLoad(
  serverUrl: string,
  admin: TestClient,
  skuPrefix: string,
  workers = 3,
): { completed(): number; stop(): Promise<number> } {
  let running = true;
  let completed = 0;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) {
      await checkout(serverUrl, admin, `${skuPrefix}-${worker}`);
      completed++;
    }
  });
  return {
    completed: () => completed,
    async stop() {
      running = false;
      await Promise.all(loops);
      return completed;
    },
  };
}
