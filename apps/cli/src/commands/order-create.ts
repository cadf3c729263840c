import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { collectItem } from '../option-parsers.js';
import { pickItems } from '../order-prompts.js';
import { orderDetail } from '../views/order-view.js';

/** `ordersctl order create`: reserves stock for the items and prints the PENDING order. */
export function orderCreateCommand(context: ContextFactory) {
  return new Command('create')
    .description('place an order (a picker on a terminal when no --item is given)')
    .option(
      '--item <SKU=QTY>',
      'a product and how many; repeat for more lines (a repeated SKU adds up)',
      collectItem,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl order create                                    # pick products on a terminal
  $ ordersctl order create --item KEYBOARD-01=1 --item MOUSE-01=2
  $ ordersctl order create --item MOUSE-01=2 --json | jq -r .id

The server prices the order from the catalogue and reserves the stock until it is paid or it
expires (15 minutes by default).`,
    )
    .action(async (flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      let items = flags.item;
      if (items === undefined) {
        // Prove the login works before asking for anything: no picking only to be told to log in.
        if (ctx.interactive) await client.auth.me.query();
        items = await pickItems(await client.products.list.query(), ctx.asker);
        if (items === undefined) {
          ctx.out.note('Nothing ordered.');
          return;
        }
      }
      const order = await client.orders.create.mutate({ items });
      ctx.out.result(order, (o, style) => [
        ...orderDetail(o, style),
        '',
        `Pay it with: ordersctl pay ${o.id}`,
      ]);
    });
}
