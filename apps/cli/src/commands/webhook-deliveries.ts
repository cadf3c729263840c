import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { parseDeliveryCursor, parseEndpointId, wholeNumber } from '../option-parsers.js';
import { parseEventId } from '../webhook-option-parsers.js';
import { deliveryTable } from '../views/webhook-view.js';

/** Deliveries per page of `webhooks deliveries` unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 20;
/** The server's largest page (webhooks.router.ts). */
const MAX_LIMIT = 100;

interface DeliveriesFlags {
  readonly event?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** `ordersctl webhooks deliveries <id>`: an endpoint's delivery log, newest first. */
export function deliveriesCommand(context: ContextFactory) {
  return new Command('deliveries')
    .description(
      "an endpoint's deliveries, newest first, with every attempt: status, latency, error",
    )
    .argument('<id>', 'the endpoint (the ID of `webhooks list`)', parseEndpointId)
    .option('--event <eventId>', 'only the delivery of this event (evt_…)', parseEventId)
    .option(
      '--limit <n>',
      `at most this many deliveries (1–${MAX_LIMIT})`,
      wholeNumber(1, MAX_LIMIT),
      DEFAULT_LIMIT,
    )
    .option(
      '--cursor <cursor>',
      'continue after a previous page (its nextCursor)',
      parseDeliveryCursor,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl webhooks deliveries 7f1c…
  $ ordersctl webhooks deliveries 7f1c… --event evt_3f2b…
  $ ordersctl --json webhooks deliveries 7f1c… | jq -c '.items[] | [.eventId, .status, .attempts]'

A delivery is PENDING (due at "next"), RETRY (failed, due again at "next"), DELIVERED (a 2xx) or
FAILED (its retries spent; \`webhooks redeliver\` sends it again).`,
    )
    .action(async (endpointId, flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const page = await client.webhooks.deliveries.query({
        endpointId,
        limit: flags.limit,
        ...(flags.event === undefined ? {} : { eventId: flags.event }),
        ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
      });
      ctx.out.result(page, (p, style) => {
        if (p.items.length === 0) return [emptyPage(flags)];
        const more =
          p.nextCursor === null
            ? []
            : ['', `More: ${nextPageCommand(endpointId, flags, p.nextCursor)}`];
        return [...deliveryTable(p.items, style), ...more];
      });
    });
}

function emptyPage(flags: DeliveriesFlags): string {
  if (flags.event !== undefined) return `No delivery of ${flags.event} to this endpoint.`;
  if (flags.cursor !== undefined) return 'No more deliveries.';
  return 'No deliveries yet: none of the events since it was added were for it.';
}

/** The command for the next page, with the filter and page size that made this one. */
function nextPageCommand(endpointId: string, flags: DeliveriesFlags, cursor: string): string {
  const event = flags.event === undefined ? [] : ['--event', flags.event];
  const limit = flags.limit === DEFAULT_LIMIT ? [] : ['--limit', String(flags.limit)];
  return ['ordersctl webhooks deliveries', endpointId, ...event, ...limit, '--cursor', cursor].join(
    ' ',
  );
}

/** `ordersctl webhooks redeliver <id> <eventId>`: any stored event to any endpoint, again, now. */
export function redeliverCommand(context: ContextFactory) {
  return new Command('redeliver')
    .description('send a stored event to an endpoint again, now, with the same webhook-id')
    .argument('<id>', 'the endpoint (the ID of `webhooks list`)', parseEndpointId)
    .argument('<eventId>', 'the event (evt_…: `id` in `ordersctl --json events`)', parseEventId)
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl webhooks redeliver 7f1c… evt_3f2b…

The delivery is queued (set back to PENDING, or created) and a delivery worker sends it within
moments; \`webhooks deliveries <id> --event <eventId>\` shows how it went. Receivers dedupe on
webhook-id, so a redelivery of an event they already handled changes nothing there.`,
    )
    .action(async (endpointId, eventId) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const result = await client.webhooks.redeliver.mutate({ endpointId, eventId });
      ctx.out.result({ endpointId, eventId, ...result }, () => [
        `Queued ${eventId} for ${endpointId}: it is sent again within moments.`,
        `See how it went: ordersctl webhooks deliveries ${endpointId} --event ${eventId}`,
      ]);
    });
}
