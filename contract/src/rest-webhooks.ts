import { randomUUID } from 'node:crypto';
import { ContractFailure } from './processes.js';
import { readField, stepsThroughPrism, type FlowReport, type FlowTargets } from './prism.js';

/**
 * The webhooks operations (DESIGN §3 webhooks.*) through Prism's validating proxy: the admin
 * registers an endpoint for a receiver on loopback, lists it, has a stored event sent to it again,
 * reads the delivery with its logged attempt once the receiver has answered, disables and enables
 * the endpoint, and removes it; the refusals a valid request can meet (403, 404, the 400 of a URL
 * or an event type the server refuses, of a query parameter it does not know), each with its
 * domain code; and bad requests that the document refuses as the server does.
 */
export async function runWebhookSteps(
  targets: FlowTargets,
  report: FlowReport,
  tokens: { readonly admin: string; readonly customer: string },
  receiverUrl: string,
): Promise<void> {
  const { post, get } = stepsThroughPrism(targets, report);
  const asAdmin = { token: tokens.admin };
  const asCustomer = { token: tokens.customer };
  const hooks = '/api/webhooks';
  const registration = { url: receiverUrl, types: ['order.*'], description: 'contract run' };
  const created = await post('register an endpoint', hooks, registration, 200, asAdmin);
  const id = String(readField(created, 'id'));
  const endpoint = `${hooks}/${id}`;
  await get('the endpoints', hooks, 200, asAdmin);
  const events = await get('a stored event', '/api/events?limit=1', 200, asAdmin);
  const [event] = asArray(readField(events, 'items'));
  const eventId = String(readField(event, 'id'));
  await post('send a stored event again', `${endpoint}/redeliver`, { eventId }, 200, asAdmin);
  await untilDelivered(targets.server, tokens.admin, id, eventId);
  await get('its deliveries, each attempt logged', `${endpoint}/deliveries`, 200, asAdmin);
  const one = `${endpoint}/deliveries?eventId=${encodeURIComponent(eventId)}&limit=1`;
  await get("one event's delivery", one, 200, asAdmin);
  await post('disable it', endpoint, { enabled: false }, 200, asAdmin);
  await post('enable it, for every event', endpoint, { enabled: true, types: null }, 200, asAdmin);

  // Valid requests the server refuses: each status declared, each body as documented.
  const admin = (domainCode: string) => ({ ...asAdmin, domainCode });
  const badUrl = { url: 'ftp://example.com/hook' };
  await post('a URL that is not http(s)', hooks, badUrl, 400, admin('WEBHOOK.INVALID_URL'));
  const badType = { url: receiverUrl, types: ['order.teleported'] };
  await post('an event type that is none', hooks, badType, 400, asAdmin);
  await get('a query parameter it does not know', `${hooks}?verbose=1`, 400, asAdmin);
  const forbidden = { ...asCustomer, domainCode: 'AUTH.FORBIDDEN' };
  await post('a customer registering', hooks, registration, 403, forbidden);
  await get('a customer listing', hooks, 403, forbidden);
  const unknown = `${hooks}/${randomUUID()}`;
  const notFound = admin('WEBHOOK.NOT_FOUND');
  await post('enable an unknown endpoint', unknown, { enabled: true }, 404, notFound);
  await get('the deliveries of an unknown endpoint', `${unknown}/deliveries`, 404, notFound);
  const never = { eventId: `evt_${randomUUID()}` };
  const noEvent = admin('WEBHOOK.EVENT_NOT_FOUND');
  await post('send an event never stored', `${endpoint}/redeliver`, never, 404, noEvent);

  // Bad requests: the document refuses them as the server does.
  const invalid = { ...asAdmin, refusedByDocument: 'request' } as const;
  await post('an endpoint id that is no uuid', `${hooks}/42`, { enabled: false }, 400, invalid);
  await post('enabled that is no boolean', endpoint, { enabled: 'no' }, 400, invalid);
  await post('a registration with no URL', hooks, { types: ['order.*'] }, 400, invalid);
  const ownSecret = { ...registration, secret: 'whsec_mine' };
  await post('a field it does not take', hooks, ownSecret, 400, invalid);
  await get('a page over 100', `${endpoint}/deliveries?limit=500`, 400, invalid);

  await post('remove it', `${endpoint}/delete`, undefined, 200, asAdmin);
  await post('remove it again', `${endpoint}/delete`, undefined, 404, notFound);
}

/**
 * Waits, asking the server itself (not through Prism), until the receiver's answer to `eventId`
 * is recorded: the worker sends on its own schedule, and the log read through Prism must hold it.
 */
async function untilDelivered(
  server: string,
  token: string,
  endpointId: string,
  eventId: string,
): Promise<void> {
  const url = `${server}/api/webhooks/${endpointId}/deliveries?eventId=${encodeURIComponent(eventId)}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const items = asArray(readField(await response.json(), 'items'));
    if (items.some((delivery) => readField(delivery, 'status') === 'DELIVERED')) return;
    if (Date.now() > deadline) {
      throw new ContractFailure(`the receiver's answer to ${eventId} was not recorded in 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
