import type { ChalkInstance } from 'chalk';
import type { Product } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { formatTable } from '../table.js';

/** The catalogue: one product per row, prices and stock right-aligned. */
export function productTable(products: readonly Product[], style: ChalkInstance): string[] {
  if (products.length === 0)
    return ['No products yet (an admin adds them: `ordersctl inventory set`).'];
  return formatTable(
    products,
    [
      { header: 'SKU', value: (p) => p.sku },
      { header: 'NAME', value: (p) => p.name },
      { header: 'PRICE', value: (p) => formatMoney(p.priceCents, p.currency), align: 'right' },
      {
        header: 'AVAILABLE',
        value: (p) => (p.available > 0 ? String(p.available) : style.red('0')),
        align: 'right',
      },
      { header: 'ON HAND', value: (p) => String(p.onHand), align: 'right' },
      { header: 'RESERVED', value: (p) => String(p.reserved), align: 'right' },
    ],
    style,
  );
}

/** One product after a stock change: what it is now. */
export function productFields(product: Product, style: ChalkInstance): string[] {
  return formatFields(
    [
      ['sku', style.bold(product.sku)],
      ['name', product.name],
      ['price', formatMoney(product.priceCents, product.currency)],
      ['on hand', String(product.onHand)],
      ['reserved', String(product.reserved)],
      ['available', String(product.available)],
    ],
    style,
  );
}
