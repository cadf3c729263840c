import type { ChalkInstance } from 'chalk';
import type { OrderLedger, Payment } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { formatTable } from '../table.js';
import { formatInstant, paintStatus } from './labels.js';

type Entry = OrderLedger['entries'][number];

/** An order's ledger: the payment, its attempts as a table, and its journal entries. */
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
    ...attemptTable(payment, style),
    '',
    style.bold('Journal'),
    ...(ledger.entries.length === 0
      ? [style.dim('  no entries (money moves only when a payment succeeds)')]
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
    ],
    style,
  );
}

function attemptTable(payment: Payment, style: ChalkInstance): string[] {
  if (payment.attempts.length === 0) {
    return [style.dim('  none — the gateway was never called')];
  }
  return formatTable(
    payment.attempts,
    [
      { header: '#', value: (a) => String(a.number), align: 'right' },
      { header: 'OUTCOME', value: (a) => paintStatus(a.outcome, style) },
      { header: 'CODE', value: (a) => a.code ?? '—' },
      { header: 'LATENCY', value: (a) => `${a.latencyMs} ms`, align: 'right' },
      { header: 'AT', value: (a) => formatInstant(a.at) },
    ],
    style,
    '  ',
  );
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
