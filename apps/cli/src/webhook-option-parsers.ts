import { InvalidArgumentError } from '@commander-js/extra-typings';
import { AGGREGATE_TYPES, EVENT_TYPES, isEventType } from '@orders/core';

/**
 * Option values of `ordersctl webhooks …` (see option-parsers.ts for the rule: each throws
 * commander's InvalidArgumentError, a usage error naming the option, before anything is sent).
 */

/** What a webhook's filter may name (webhooks.router.ts): a type, `<aggregate>.*` or `*`. */
function isWebhookType(name: string): boolean {
  return (
    name === '*' ||
    isEventType(name) ||
    (name.endsWith('.*') && (AGGREGATE_TYPES as readonly string[]).includes(name.slice(0, -2)))
  );
}

/**
 * One `--type` of `webhooks add`, added to those before it: an event type, an aggregate's
 * wildcard (`payment.*`) or `*`, several at once separated by commas. A typo would match nothing,
 * silently, so it is refused here.
 */
export function collectWebhookType(value: string, previous: readonly string[] = []): string[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !isWebhookType(name));
  if (unknown.length > 0) {
    const what = unknown.map((name) => (name === '' ? '""' : name)).join(', ');
    const wildcards = AGGREGATE_TYPES.map((a) => `${a}.*`).join(', ');
    throw new InvalidArgumentError(
      `${what} is not an event type, an aggregate wildcard (${wildcards}) or *; the types are ${EVENT_TYPES.join(', ')}`,
    );
  }
  return [...previous, ...names.filter((n, i) => !previous.includes(n) && names.indexOf(n) === i)];
}

/** The server's bound on an endpoint's description (webhooks.router.ts). */
const MAX_DESCRIPTION_LENGTH = 500;

/** `--description "shipping service"`: at most 500 characters. */
export function parseDescription(value: string): string {
  const description = value.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidArgumentError(`expected at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

/** `evt_3f2b…`: an event's id (`id` in the events' --json; the webhook-id of a delivery). */
export function parseEventId(value: string): string {
  const id = value.trim();
  if (!/^evt_[\w-]{1,196}$/.test(id)) {
    throw new InvalidArgumentError(
      'expected an event id such as evt_3f2b8c1e-7d4a-4e9b-9c0d-5a6b7c8d9e0f (`id` in `ordersctl --json events`)',
    );
  }
  return id;
}

/**
 * `--forward-to http://localhost:3000/webhooks`: where `webhooks listen` POSTs. Any host is
 * allowed — a receiver under development on this machine is the point — but only http(s).
 */
export function parseForwardUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError(
      'expected an http:// or https:// URL, e.g. http://localhost:3000/webhooks',
    );
  }
  return url.href;
}

/** `--secret whsec_…`: a Standard Webhooks secret, `whsec_` and base64 of 24 to 64 bytes. */
export function parseWebhookSecret(value: string): string {
  const secret = value.trim();
  const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(key) ? Buffer.from(key, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    throw new InvalidArgumentError(
      'expected whsec_ and the base64 of 24 to 64 bytes, as printed by a run without --secret',
    );
  }
  return secret;
}
