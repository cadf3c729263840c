import type { Product } from './api-client.js';
import { ExitCode, ExitError } from './errors.js';
import { formatMoney } from './money.js';
import type { OrderItem } from './option-parsers.js';
import { missing, streams, type Asker } from './prompts.js';
import { formatTable, PLAIN } from './table.js';

/** The server's bound on one line's quantity (DESIGN §2). */
const MAX_QUANTITY = 1000;

/**
 * The interactive way to `order create`: pick products, say how many of each, and confirm the
 * total. Returns `undefined` when the order is not confirmed. Without a terminal the items must
 * come from `--item`.
 */
export async function pickItems(
  products: readonly Product[],
  asker: Asker,
): Promise<OrderItem[] | undefined> {
  if (!asker.interactive) throw missing('items', '--item SKU=QTY');
  if (!products.some((p) => p.available > 0)) {
    throw new ExitError(ExitCode.usage, 'nothing is in stock to order — see `ordersctl products`');
  }
  const { checkbox, confirm, number } = await import('@inquirer/prompts');
  const labels = productLabels(products);
  const chosen = await checkbox(
    {
      message: 'Products to order',
      required: true,
      pageSize: 12,
      choices: products.map((product, i) => ({
        value: product,
        name: labels[i] ?? product.sku,
        short: product.sku,
        disabled: product.available > 0 ? false : '(out of stock)',
      })),
      validate: (picked) =>
        new Set(picked.map((c) => c.value.currency)).size <= 1 ||
        'one order is priced in one currency: pick products of the same currency',
    },
    streams(asker),
  );
  const items: { product: Product; quantity: number }[] = [];
  for (const product of chosen) {
    const max = Math.min(product.available, MAX_QUANTITY);
    const quantity = await number(
      { message: `Quantity of ${product.sku} (1–${max})`, default: 1, min: 1, max, required: true },
      streams(asker),
    );
    items.push({ product, quantity });
  }
  const currency = chosen[0]?.currency ?? 'USD';
  // An estimate from the catalogue as listed; the server prices the order itself.
  const totalCents = items.reduce((sum, i) => sum + i.product.priceCents * i.quantity, 0);
  asker.output.write(`${summary(items).join('\n')}\n`);
  const placed = await confirm(
    { message: `Place this order for ${formatMoney(totalCents, currency)}?`, default: true },
    streams(asker),
  );
  return placed ? items.map((i) => ({ sku: i.product.sku, quantity: i.quantity })) : undefined;
}

/** One aligned label per product: SKU, name, price, stock. */
function productLabels(products: readonly Product[]): string[] {
  return formatTable(
    products,
    [
      { header: '', value: (p) => p.sku },
      { header: '', value: (p) => p.name },
      { header: '', value: (p) => formatMoney(p.priceCents, p.currency), align: 'right' },
      { header: '', value: (p) => `${p.available} available`, align: 'right' },
    ],
    PLAIN,
  ).slice(1);
}

function summary(items: readonly { product: Product; quantity: number }[]): string[] {
  const money = (cents: number, p: Product) => formatMoney(cents, p.currency);
  return formatTable(
    items,
    [
      { header: 'SKU', value: (i) => i.product.sku },
      { header: 'QTY', value: (i) => String(i.quantity), align: 'right' },
      { header: 'UNIT', value: (i) => money(i.product.priceCents, i.product), align: 'right' },
      {
        header: 'TOTAL',
        value: (i) => money(i.product.priceCents * i.quantity, i.product),
        align: 'right',
      },
    ],
    PLAIN,
    '  ',
  );
}
