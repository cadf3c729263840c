import { CURRENCIES, DEFAULT_CURRENCY, money, refundableCents } from '@orders/core';
import type { ChalkInstance } from 'chalk';
import type { Payment, Refund } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { formatTable } from '../table.js';
import { paintStatus, plural } from './labels.js';

/** `1 × MUG, 2 × TEE`: the units a refund puts back on the shelf. */
export function restockText(restock: Refund['restock']): string {
  return restock.map((r) => `${r.quantity} × ${r.sku}`).join(', ');
}

/**
 * What is still refundable of a capture: core's own rule (the capture less every refund not
 * FAILED, in flight ones included), so the CLI offers exactly what the server would accept.
 */
export function leftToRefund(
  capturedCents: number,
  currency: string,
  refunds: readonly Pick<Refund, 'amountCents' | 'status'>[],
): number {
  const known = CURRENCIES.find((c) => c === currency) ?? DEFAULT_CURRENCY;
  const holds = refunds.map((r) => ({
    amount: money(r.amountCents, known),
    status: r.status,
    restock: [],
  }));
  return refundableCents(money(capturedCents, known), holds);
}

/** `$12.50 of $25.00 (1 refund); $12.50 left to refund`. */
export function refundedSummary(
  capturedCents: number,
  currency: string,
  refunds: readonly Refund[],
): string {
  const cash = (cents: number) => formatMoney(cents, currency);
  const refunded = refunds
    .filter((r) => r.status === 'SUCCEEDED')
    .reduce((sum, r) => sum + r.amountCents, 0);
  const left = leftToRefund(capturedCents, currency, refunds);
  const count = plural(refunds.length, 'refund');
  return `${cash(refunded)} of ${cash(capturedCents)} (${count}); ${cash(left)} left to refund`;
}

/** A refund once it has ended: what it gave back and put back, and where the order now stands. */
export function refundFields(
  refund: Refund,
  payment: Payment | undefined,
  style: ChalkInstance,
): string[] {
  const failure = refund.failureCode === null ? '' : ` ${refund.failureCode}`;
  const succeeded = refund.status === 'SUCCEEDED';
  const restocked =
    refund.restock.length === 0
      ? style.dim('nothing')
      : succeeded
        ? restockText(refund.restock)
        : style.dim(`nothing (${restockText(refund.restock)} goes back only on success)`);
  const rows: [string, string][] = [
    ['refund', style.bold(refund.id)],
    ['status', `${paintStatus(refund.status, style)}${failure}`],
    ['amount', formatMoney(refund.amountCents, refund.currency)],
    ['reason', refund.reason],
    ...(refund.note === null ? [] : [['note', refund.note] as [string, string]]),
    ['restocked', restocked],
    ['attempts', String(refund.attempts.length)],
  ];
  if (payment) {
    rows.push(
      ['order', `${payment.order.id} ${paintStatus(payment.order.status, style)}`],
      ['refunded', refundedSummary(payment.amountCents, payment.currency, payment.refunds)],
    );
  }
  return formatFields(rows, style);
}

/** An order's refunds, oldest first, one per row. */
export function refundTable(
  refunds: readonly Refund[],
  style: ChalkInstance,
  indent = '',
): string[] {
  return formatTable(
    refunds,
    [
      { header: 'REFUND', value: (r) => r.id },
      {
        header: 'STATUS',
        value: (r) =>
          `${paintStatus(r.status, style)}${r.failureCode === null ? '' : ` ${r.failureCode}`}`,
      },
      { header: 'AMOUNT', value: (r) => formatMoney(r.amountCents, r.currency), align: 'right' },
      { header: 'REASON', value: (r) => r.reason },
      { header: 'RESTOCK', value: (r) => restockText(r.restock) || '—' },
    ],
    style,
    indent,
  );
}

/** Why a refund ended FAILED, and what that leaves, in one line (the exit 4 message). */
export function refundFailureMessage(refund: Refund, payment: Payment | undefined): string {
  const left =
    payment === undefined
      ? ''
      : `; ${formatMoney(leftToRefund(payment.amountCents, payment.currency, payment.refunds), payment.currency)} left to refund`;
  switch (refund.failureCode) {
    case 'REFUND_FAILED':
      return `refund failed: the gateway refused it (REFUND_FAILED) — nothing was refunded or restocked${left}`;
    case 'RETRIES_EXHAUSTED':
    case null:
      return `refund failed: the gateway failed ${plural(refund.attempts.length, 'time')} (RETRIES_EXHAUSTED) — nothing was refunded or restocked${left}; run the refund again, without --idempotency-key, to retry`;
  }
}

/** `Refunding order 0b6f…: paid $25.00 on visa •••• 4242, $25.00 left to refund (CONFIRMED)`. */
export function refundingLine(payment: Payment, style: ChalkInstance): string {
  const cash = (cents: number) => formatMoney(cents, payment.currency);
  const left = leftToRefund(payment.amountCents, payment.currency, payment.refunds);
  return (
    `Refunding order ${payment.orderId}: paid ${cash(payment.amountCents)} on ` +
    `${payment.card.brand} •••• ${payment.card.last4}, ${style.bold(cash(left))} left to refund ` +
    `(${paintStatus(payment.order.status, style)})`
  );
}
