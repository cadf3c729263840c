import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { productTable } from '../views/product-view.js';

/** `ordersctl products`: the public catalogue with prices and available stock. */
export function productsCommand(context: ContextFactory) {
  return new Command('products')
    .description('list the catalogue: prices and available stock')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl products
  $ ordersctl products --json | jq -r '.[] | select(.available > 0) | .sku'`,
    )
    .action(async () => {
      const ctx = await context();
      const client = await ctx.publicClient();
      const products = await client.products.list.query();
      ctx.out.result(products, (list, style) => productTable(list, style));
    });
}
