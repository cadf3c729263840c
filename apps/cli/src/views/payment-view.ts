import type { ChalkInstance } from 'chalk';
import type { Payment } from '../api-client.js';
import { formatMoney } from '../money.js';
import { formatFields } from '../output.js';
import { paintStatus, plural } from './labels.js';
import { refundedSummary, refundTable } from './refund-view.js';

/**
 * A payment at a glance: state, amount, card, attempts, fraud verdict, order; once it has been
 * refunded, how much and each refund.
 */
export function paymentFields(payment: Payment, style: ChalkInstance): string[] {
  const failure = payment.failureCode === null ? '' : ` ${payment.failureCode}`;
  const fields = formatFields(
    [
      ['payment', style.bold(payment.id)],
      ['status', `${paintStatus(payment.status, style)}${failure}`],
      ['amount', formatMoney(payment.amountCents, payment.currency)],
      ['card', `${payment.card.brand} •••• ${payment.card.last4}`],
      ['attempts', String(payment.attempts.length)],
      ['fraud', `${paintStatus(payment.fraud.verdict, style)} (score ${payment.fraud.score})`],
      ['order', `${payment.order.id} ${paintStatus(payment.order.status, style)}`],
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
  if (payment.refunds.length === 0) return fields;
  return [...fields, '', ...refundTable(payment.refunds, style)];
}

type FailureCode = NonNullable<Payment['failureCode']>;

/** Why a FAILED_FINAL payment failed, and what became of the order, in one line. */
export function failureMessage(payment: Payment): string {
  const code: FailureCode = payment.failureCode ?? 'RETRIES_EXHAUSTED';
  const released = `order ${payment.order.status}, its stock released`;
  switch (code) {
    case 'FRAUD_REJECTED': {
      const rules = payment.fraud.signals.map((s) => s.rule).join(', ');
      return `payment rejected by fraud checks (${rules || `score ${payment.fraud.score}`}) — no charge was attempted; ${released}`;
    }
    case 'CARD_DECLINED':
      return `card declined (CARD_DECLINED) — ${released}`;
    case 'INSUFFICIENT_FUNDS':
      return `insufficient funds (INSUFFICIENT_FUNDS) — ${released}`;
    case 'RETRIES_EXHAUSTED':
      return `the gateway failed ${plural(payment.attempts.length, 'time')} (RETRIES_EXHAUSTED) — ${released}`;
  }
}
