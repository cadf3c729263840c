import { strict as assert } from 'node:assert';
import type { Client } from 'openapi-fetch';
import type { operations, paths } from './generated/openapi.js';
import type { Receiver } from './receiver.js';

/**
 * The webhooks operations through the generated client, as the admin: register an endpoint for
 * product events, adjust `sku`'s stock and wait for the receiver's answer to be logged, send
 * that event again, list, disable and remove the endpoint; a URL the server refuses and a removed
 * endpoint come back as typed errors.
 */
export async function runWebhooksWithClient(
  admin: Client<paths>,
  receiver: Pick<Receiver, 'url' | 'received'>,
  sku: string,
): Promise<void> {
  const created = await admin.POST('/api/webhooks', {
    body: { url: receiver.url, types: ['product.*'], description: 'generated client' },
  });
  assert.ok(created.data, `webhook: ${JSON.stringify(created.error)}`);
  assert.match(created.data.secret, /^whsec_/);
  const endpointId = created.data.id;

  const adjusted = await admin.POST('/api/inventory/{sku}/adjustments', {
    params: { path: { sku } },
    body: { delta: 1, reason: 'webhook check' },
  });
  assert.ok(adjusted.data, `adjust: ${JSON.stringify(adjusted.error)}`);
  const delivered = await untilDelivered(admin, endpointId);
  assert.ok(receiver.received.includes(delivered.eventId), 'the receiver got the event');
  assert.equal(delivered.log[0]?.statusCode, 204);

  const queued = await admin.POST('/api/webhooks/{endpointId}/redeliver', {
    params: { path: { endpointId } },
    body: { eventId: delivered.eventId },
  });
  assert.equal(queued.data?.queued, true, `redeliver: ${JSON.stringify(queued.error)}`);
  const listed = await admin.GET('/api/webhooks');
  const mine = listed.data?.find((endpoint) => endpoint.id === endpointId);
  assert.deepEqual(mine?.types, ['product.*']);
  const disabled = await admin.POST('/api/webhooks/{id}', {
    params: { path: { id: endpointId } },
    body: { enabled: false },
  });
  assert.equal(disabled.data?.enabled, false, `disable: ${JSON.stringify(disabled.error)}`);
  const removed = await admin.POST('/api/webhooks/{id}/delete', {
    params: { path: { id: endpointId } },
  });
  assert.equal(removed.data?.deleted, true, `remove: ${JSON.stringify(removed.error)}`);

  const gone = await admin.GET('/api/webhooks/{endpointId}/deliveries', {
    params: { path: { endpointId } },
  });
  assert.equal(gone.response.status, 404);
  assert.equal(gone.error?.data.domainCode, 'WEBHOOK.NOT_FOUND');
  const refused = await admin.POST('/api/webhooks', { body: { url: 'ftp://example.com/hook' } });
  assert.equal(refused.response.status, 400);
  assert.equal(refused.error?.data.domainCode, 'WEBHOOK.INVALID_URL');
}

type Delivery =
  operations['webhooks-deliveries']['responses'][200]['content']['application/json']['items'][number];

/** Reads the endpoint's deliveries until one is DELIVERED: the worker sends on its own schedule. */
async function untilDelivered(admin: Client<paths>, endpointId: string): Promise<Delivery> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await admin.GET('/api/webhooks/{endpointId}/deliveries', {
      params: { path: { endpointId } },
    });
    assert.ok(page.data, `deliveries: ${JSON.stringify(page.error)}`);
    const delivered = page.data.items.find((delivery) => delivery.status === 'DELIVERED');
    if (delivered !== undefined) return delivered;
    assert.ok(Date.now() < deadline, 'no delivery was DELIVERED in 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
