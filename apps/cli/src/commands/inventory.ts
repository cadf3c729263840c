import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { nonZeroInteger, wholeNumber } from '../option-parsers.js';
import { productFields } from '../views/product-view.js';

// The server's bounds (inventory.router.ts), checked here too so a typo costs no round trip.
const MAX_ON_HAND = 1_000_000;
const MAX_PRICE_CENTS = 100_000_000;
const DEFAULT_REASON = 'adjusted with ordersctl';

/** `ordersctl inventory set|adjust` (admin): a product's stock, price and name. */
export function inventoryCommand(context: ContextFactory) {
  return new Command('inventory')
    .description('set or adjust stock, prices and names (admin)')
    .addCommand(setCommand(context))
    .addCommand(adjustCommand(context));
}

function setCommand(context: ContextFactory) {
  return new Command('set')
    .description('create a product or set its stock (and optionally its price and name)')
    .argument('<sku>', 'the product SKU (upper-cased by the server)')
    .requiredOption('--on-hand <n>', 'units on hand', wholeNumber(0, MAX_ON_HAND))
    .option(
      '--price <cents>',
      'unit price in cents (needed for a new product)',
      wholeNumber(0, MAX_PRICE_CENTS),
    )
    .option('--name <name>', 'product name (needed for a new product)')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl inventory set MUG-01 --on-hand 20 --price 1250 --name "Enamel mug"
  $ ordersctl inventory set MUG-01 --on-hand 35          # restock to 35 on hand

Stock can never be set below what open orders have reserved.`,
    )
    .action(async (sku, flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const product = await client.inventory.upsert.mutate({
        sku,
        onHand: flags.onHand,
        ...(flags.price === undefined ? {} : { priceCents: flags.price }),
        ...(flags.name === undefined ? {} : { name: flags.name }),
      });
      ctx.out.result(product, (p, style) => productFields(p, style));
    });
}

function adjustCommand(context: ContextFactory) {
  return new Command('adjust')
    .description('add to or take from the stock on hand')
    .argument('<sku>', 'the product SKU')
    .requiredOption('--delta <n>', 'units to add (negative to remove)', nonZeroInteger(MAX_ON_HAND))
    .option('--reason <reason>', 'why, kept with the stock movement', DEFAULT_REASON)
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl inventory adjust MUG-01 --delta 10 --reason "delivery 2024-113"
  $ ordersctl inventory adjust MUG-01 --delta -2 --reason breakage`,
    )
    .action(async (sku, flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const product = await client.inventory.adjust.mutate({
        sku,
        delta: flags.delta,
        reason: flags.reason,
      });
      ctx.out.result(product, (p, style) => productFields(p, style));
    });
}
