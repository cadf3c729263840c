import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { parseEndpointId } from '../option-parsers.js';
import { collectWebhookType, parseDescription } from '../webhook-option-parsers.js';
import { createdEndpointFields, endpointFields, endpointTable } from '../views/webhook-view.js';
import { deliveriesCommand, redeliverCommand } from './webhook-deliveries.js';
import { listenCommand } from './webhooks-listen.js';

/** `ordersctl webhooks …` (admin): endpoints, their deliveries, and a local forwarder. */
export function webhooksCommand(context: ContextFactory) {
  return new Command('webhooks')
    .description(
      'signed webhook endpoints, their deliveries, and `listen` for a local receiver (admin)',
    )
    .addCommand(addCommand(context))
    .addCommand(listCommand(context))
    .addCommand(enableCommand(context, true))
    .addCommand(enableCommand(context, false))
    .addCommand(removeCommand(context))
    .addCommand(deliveriesCommand(context))
    .addCommand(redeliverCommand(context))
    .addCommand(listenCommand(context));
}

function addCommand(context: ContextFactory) {
  return new Command('add')
    .description('register an endpoint: every event from now on is POSTed to it, signed')
    .argument('<url>', 'where to POST: https:// (http:// only if the server allows private ones)')
    .option(
      '--type <type>',
      'only events of this type, e.g. order.confirmed, payment.* or *; repeat (or separate by commas) for more',
      collectWebhookType,
    )
    .option('--description <text>', 'what it is for (at most 500 characters)', parseDescription)
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl webhooks add https://shipping.example.com/hooks --type order.confirmed
  $ ordersctl webhooks add https://books.example.com/hooks --type 'payment.*' --type 'refund.*'
  $ ordersctl --json webhooks add https://erp.example.com/hooks | jq -r .secret

Each delivery is signed per Standard Webhooks (webhook-id = the event id, webhook-timestamp,
webhook-signature) with the endpoint's secret, printed here once and never again: store it
where the receiver reads it and verify with the standardwebhooks package. Without --type the
endpoint receives every event.`,
    )
    .action(async (url, flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const endpoint = await client.webhooks.create.mutate({
        url,
        ...(flags.type === undefined ? {} : { types: flags.type }),
        ...(flags.description === undefined || flags.description === ''
          ? {}
          : { description: flags.description }),
      });
      ctx.out.result(endpoint, createdEndpointFields);
    });
}

function listCommand(context: ContextFactory) {
  return new Command('list')
    .description('every endpoint, oldest first: its filter, whether it is enabled and why not')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl webhooks list
  $ ordersctl --json webhooks list | jq -r '.[] | select(.enabled | not) | .id'`,
    )
    .action(async () => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const endpoints = await client.webhooks.list.query();
      ctx.out.result(endpoints, (list, style) =>
        list.length === 0
          ? ['No webhook endpoints yet (`ordersctl webhooks add <url>` registers one).']
          : endpointTable(list, style),
      );
    });
}

/** `enable` (its deliveries resume, the failure streak starts afresh) or `disable` (they wait). */
function enableCommand(context: ContextFactory, enabled: boolean) {
  return new Command(enabled ? 'enable' : 'disable')
    .description(
      enabled
        ? 'resume deliveries to an endpoint (also one disabled after failures), its failure streak reset'
        : 'stop deliveries to an endpoint: they wait until it is enabled again',
    )
    .argument('<id>', 'the endpoint (the ID of `webhooks list`)', parseEndpointId)
    .action(async (id) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const endpoint = await client.webhooks.update.mutate({ id, enabled });
      ctx.out.result(endpoint, endpointFields);
    });
}

function removeCommand(context: ContextFactory) {
  return new Command('remove')
    .description('remove an endpoint with its deliveries and their log; nothing more is sent')
    .argument('<id>', 'the endpoint (the ID of `webhooks list`)', parseEndpointId)
    .action(async (id) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const result = await client.webhooks.delete.mutate({ id });
      ctx.out.result({ id, ...result }, () => [`Removed webhook endpoint ${id}.`]);
    });
}
