import type { ChalkInstance } from 'chalk';
import type { Order, Refund } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { formatTable, visibleWidth } from '../table.js';
import { formatInstant, paintStatus, plural } from './labels.js';
import { refundedSummary, refundTable } from './refund-view.js';

/** An order: its state, when it lapses, its priced lines and the total. */
export function orderDetail(order: Order, style: ChalkInstance): string[] {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const fields: [string, string][] = [
    ['order', style.bold(order.id)],
    ['status', paintStatus(order.status, style)],
    ['created', formatInstant(order.createdAt)],
  ];
  if (order.status === 'PENDING')
    fields.push(['expires', `${formatInstant(order.expiresAt)} unless paid`]);
  const lines = formatTable(
    order.lines,
    [
      { header: 'SKU', value: (l) => l.sku },
      { header: 'NAME', value: (l) => l.name },
      { header: 'QTY', value: (l) => String(l.quantity), align: 'right' },
      { header: 'UNIT', value: (l) => money(l.unitPriceCents), align: 'right' },
      { header: 'TOTAL', value: (l) => money(l.lineTotalCents), align: 'right' },
    ],
    style,
    '  ',
  );
  return [
    ...formatFields(fields, style),
    '',
    ...lines,
    ...totalLine(lines, `Total ${money(order.totalCents)}`, style),
  ];
}

/** Under a paid order: how much was refunded, what is left, and each refund. */
export function orderRefunds(
  order: Order,
  refunds: readonly Refund[],
  style: ChalkInstance,
): string[] {
  if (refunds.length === 0) return [];
  return [
    '',
    `${style.bold('Refunded')} ${refundedSummary(order.totalCents, order.currency, refunds)}`,
    ...refundTable(refunds, style, '  '),
  ];
}

/** The total, right-aligned under the last column of `table`. */
function totalLine(table: readonly string[], text: string, style: ChalkInstance): string[] {
  const width = Math.max(...table.map(visibleWidth));
  return [style.bold(text.padStart(width))];
}

/** Several orders, newest first, one per row. */
export function orderTable(orders: readonly Order[], style: ChalkInstance): string[] {
  return formatTable(
    orders,
    [
      { header: 'ID', value: (o) => o.id },
      { header: 'STATUS', value: (o) => paintStatus(o.status, style) },
      { header: 'TOTAL', value: (o) => formatMoney(o.totalCents, o.currency), align: 'right' },
      {
        header: 'ITEMS',
        value: (o) => String(o.lines.reduce((n, l) => n + l.quantity, 0)),
        align: 'right',
      },
      { header: 'CREATED', value: (o) => formatInstant(o.createdAt) },
    ],
    style,
  );
}

/** `Paying $25.00 for order 0b6f… (2 items)`: said before the card is asked for. */
export function payingLine(order: Order, style: ChalkInstance): string {
  const items = plural(
    order.lines.reduce((n, l) => n + l.quantity, 0),
    'item',
  );
  const amount = style.bold(formatMoney(order.totalCents, order.currency));
  return `Paying ${amount} for order ${order.id} (${items}, ${paintStatus(order.status, style)})`;
}
