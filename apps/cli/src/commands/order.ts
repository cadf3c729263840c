import { Command } from '@commander-js/extra-typings';
import type { Order } from '../api-client.js';
import type { ContextFactory } from '../context.js';
import { orderStatus, wholeNumber } from '../option-parsers.js';
import { orderDetail, orderRefunds, orderTable } from '../views/order-view.js';
import { orderCreateCommand } from './order-create.js';

/** Orders per page of `order list` unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 20;

/** `ordersctl order create|list|show|cancel`: the caller's own orders. */
export function orderCommand(context: ContextFactory) {
  return new Command('order')
    .description('place, list, show and cancel your orders')
    .addCommand(orderCreateCommand(context))
    .addCommand(listCommand(context))
    .addCommand(showCommand(context))
    .addCommand(cancelCommand(context));
}

function listCommand(context: ContextFactory) {
  return new Command('list')
    .description('your orders, newest first')
    .option(
      '--status <status>',
      'only PENDING, CONFIRMED, FAILED, CANCELLED, PARTIALLY_REFUNDED or REFUNDED',
      orderStatus,
    )
    .option('--limit <n>', 'at most this many (1–100)', wholeNumber(1, 100), DEFAULT_LIMIT)
    .option('--cursor <cursor>', 'continue after a previous page (its nextCursor)')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl order list
  $ ordersctl order list --status pending
  $ ordersctl order list --status partially_refunded
  $ ordersctl order list --json | jq -r '.items[].id'`,
    )
    .action(async (flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const page = await client.orders.list.query({
        limit: flags.limit,
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
      });
      ctx.out.result(page, (p, style) => {
        if (p.items.length === 0) return [emptyPage(flags)];
        const more =
          p.nextCursor === null ? [] : ['', `More: ${nextPageCommand(flags, p.nextCursor)}`];
        return [...orderTable(p.items, style), ...more];
      });
    });
}

interface ListFlags {
  readonly status?: Order['status'] | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Why the page is empty, in the terms of the filter that made it so. */
function emptyPage(flags: ListFlags): string {
  const more = flags.cursor === undefined ? '' : 'more ';
  if (flags.status !== undefined) return `No ${more}${flags.status} orders.`;
  if (more !== '') return 'No more orders.';
  return 'No orders yet (`ordersctl order create` places one).';
}

/**
 * The command for the next page. The cursor says only where the page ended, not what was asked
 * for, so the filter and the page size go with it: without them the next page would list orders
 * of every status, in pages of the default size.
 */
function nextPageCommand(flags: ListFlags, cursor: string): string {
  const status = flags.status === undefined ? [] : ['--status', flags.status];
  const limit = flags.limit === DEFAULT_LIMIT ? [] : ['--limit', String(flags.limit)];
  return ['ordersctl order list', ...status, ...limit, '--cursor', shellWord(cursor)].join(' ');
}

/** The cursor is opaque: quoted for the shell should it ever hold more than `[A-Za-z0-9_-]`. */
function shellWord(text: string): string {
  return /^[\w-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The states a paid order can be in: only such an order can have refunds. */
const PAID_STATES: readonly Order['status'][] = ['CONFIRMED', 'PARTIALLY_REFUNDED', 'REFUNDED'];

function showCommand(context: ContextFactory) {
  return new Command('show')
    .description('one order: status, lines and total, and its refunds once paid')
    .argument('<id>', 'the order id')
    .addHelpText(
      'after',
      '\nExamples:\n  $ ordersctl order show 0b6f…\n  $ ordersctl order show 0b6f… --json | jq -r .status',
    )
    .action(async (id) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const order = await client.orders.get.query({ id: id.trim() });
      // `--json` is exactly the order; its refunds are `refunds.list` (or `ledger --json`).
      const refunds =
        !ctx.json && PAID_STATES.includes(order.status)
          ? await client.refunds.list.query({ orderId: order.id })
          : [];
      ctx.out.result(order, (o, style) => [
        ...orderDetail(o, style),
        ...orderRefunds(o, refunds, style),
      ]);
    });
}

function cancelCommand(context: ContextFactory) {
  return new Command('cancel')
    .description('cancel a PENDING order and release its stock')
    .argument('<id>', 'the order id')
    .addHelpText('after', '\nExample:\n  $ ordersctl order cancel 0b6f…')
    .action(async (id) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const order = await client.orders.cancel.mutate({ id: id.trim() });
      ctx.out.result(order, (o, style) => [
        `Cancelled order ${style.bold(o.id)}; its stock is released.`,
      ]);
    });
}
