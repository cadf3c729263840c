import type { ChalkInstance } from 'chalk';
import type { OrderLedger, Payment, Refund } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { formatTable } from '../table.js';
import type { AttemptSeen } from '../payment-progress.js';
import { formatInstant, paintStatus } from './labels.js';
import { refundedSummary, restockText } from './refund-view.js';

type Entry = OrderLedger['entries'][number];

/**
 * An order's ledger: the payment, its attempts as a table, its refunds each with their attempts,
 * and its journal entries (captures and refunds).
 */
export function orderLedgerView(ledger: OrderLedger, style: ChalkInstance): string[] {
  const { payment } = ledger;
  if (!payment) {
    return [
      `Order ${ledger.orderId} has no payment yet: nothing in its ledger.`,
      `Pay it with: ordersctl pay ${ledger.orderId}`,
    ];
  }
  return [
    ...paymentHeader(ledger.orderId, payment, style),
    '',
    style.bold('Attempts'),
    ...(payment.attempts.length === 0
      ? [style.dim('  none — the gateway was never called')]
      : attemptTable(payment.attempts, style, '  ')),
    ...refundLines(payment.refunds, style),
    '',
    style.bold('Journal'),
    ...(ledger.entries.length === 0
      ? [style.dim('  no entries (money moves only when a payment or refund succeeds)')]
      : ledger.entries.flatMap((entry) => entryLines(entry, payment.currency, style))),
  ];
}

function paymentHeader(orderId: string, payment: Payment, style: ChalkInstance): string[] {
  const failure = payment.failureCode === null ? '' : ` ${payment.failureCode}`;
  const { fraud } = payment;
  return formatFields(
    [
      ['order', `${orderId} ${paintStatus(payment.order.status, style)}`],
      ['payment', `${payment.id} ${paintStatus(payment.status, style)}${failure}`],
      ['amount', formatMoney(payment.amountCents, payment.currency)],
      ['card', `${payment.card.brand} •••• ${payment.card.last4}`],
      ['fraud', `${paintStatus(fraud.verdict, style)} (score ${fraud.score})`],
      ...fraud.signals.map(
        (s) => ['', style.dim(`${s.rule} +${s.score}: ${s.reason}`)] as [string, string],
      ),
      ...(payment.refunds.length === 0
        ? []
        : [
            [
              'refunded',
              refundedSummary(payment.amountCents, payment.currency, payment.refunds),
            ] as [string, string],
          ]),
    ],
    style,
  );
}

/** Gateway attempts, a payment's or a refund's, one per row. */
function attemptTable(
  attempts: readonly AttemptSeen[],
  style: ChalkInstance,
  indent: string,
): string[] {
  return formatTable(
    attempts,
    [
      { header: '#', value: (a) => String(a.number), align: 'right' },
      { header: 'OUTCOME', value: (a) => paintStatus(a.outcome, style) },
      { header: 'CODE', value: (a) => a.code ?? '—' },
      { header: 'LATENCY', value: (a) => `${a.latencyMs} ms`, align: 'right' },
      { header: 'AT', value: (a) => formatInstant(a.at) },
    ],
    style,
    indent,
  );
}

/** Each refund: its state, amount, reason, restock and note, then its own gateway attempts. */
function refundLines(refunds: readonly Refund[], style: ChalkInstance): string[] {
  if (refunds.length === 0) return [];
  return [
    '',
    style.bold('Refunds'),
    ...refunds.flatMap((refund) => {
      const failure = refund.failureCode === null ? '' : ` ${refund.failureCode}`;
      const amount = formatMoney(refund.amountCents, refund.currency);
      const restock = refund.restock.length === 0 ? [] : [`restock ${restockText(refund.restock)}`];
      const note = refund.note === null ? [] : [`note "${refund.note}"`];
      const facts = [refund.reason, ...restock, ...note].join('; ');
      return [
        `  ${style.bold('REFUND')} ${refund.id} ${paintStatus(refund.status, style)}${failure}  ${amount}  ${formatInstant(refund.createdAt)}`,
        style.dim(`    ${facts}`),
        ...(refund.attempts.length === 0
          ? [style.dim('    no attempt yet')]
          : attemptTable(refund.attempts, style, '    ')),
      ];
    }),
  ];
}

/** One entry: what it is, then its postings as debits and credits, then whether they balance. */
function entryLines(entry: Entry, currency: string, style: ChalkInstance): string[] {
  const money = (cents: number) => formatMoney(cents, currency);
  // Sign convention (DESIGN §2): a debit is positive, a credit negative.
  const debits = entry.postings.reduce(
    (sum, p) => (p.amountCents > 0 ? sum + p.amountCents : sum),
    0,
  );
  const credits = entry.postings.reduce(
    (sum, p) => (p.amountCents < 0 ? sum - p.amountCents : sum),
    0,
  );
  const balance =
    debits === credits
      ? style.green('balanced')
      : style.red(`UNBALANCED by ${money(debits - credits)}`);
  return [
    `  ${style.bold(entry.kind)} ${entry.reference}  ${formatInstant(entry.createdAt)}`,
    style.dim(`    hash ${entry.hash}`),
    ...formatTable(
      entry.postings,
      [
        { header: 'ACCOUNT', value: (p) => p.account },
        {
          header: 'DEBIT',
          value: (p) => (p.amountCents > 0 ? money(p.amountCents) : ''),
          align: 'right',
        },
        {
          header: 'CREDIT',
          value: (p) => (p.amountCents < 0 ? money(-p.amountCents) : ''),
          align: 'right',
        },
      ],
      style,
      '    ',
    ),
    `    debits ${money(debits)}, credits ${money(credits)}: ${balance}`,
  ];
}
