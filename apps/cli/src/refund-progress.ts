import type { ChalkInstance } from 'chalk';
import type { Refund } from './api-client.js';
import { formatMoney } from './money.js';
import { createAttemptLog, type ProgressStory } from './payment-progress.js';
import { paintStatus } from './views/labels.js';
import { restockText } from './views/refund-view.js';

/** Final refund states: nothing will change after one. */
export function isRefundFinal(refund: Pick<Refund, 'status'>): boolean {
  return refund.status === 'SUCCEEDED' || refund.status === 'FAILED';
}

const refundStory: ProgressStory<Refund> = {
  isFinal: isRefundFinal,
  introduction(refund, style) {
    const amount = formatMoney(refund.amountCents, refund.currency);
    return [
      `refund ${refund.id}: ${style.bold(amount)} of order ${refund.orderId} (${refund.reason})`,
    ];
  },
  outcome(refund, style) {
    const status = paintStatus(refund.status, style);
    if (refund.status !== 'SUCCEEDED') {
      return `${status} ${refund.failureCode ?? ''} — nothing refunded, nothing restocked`;
    }
    const amount = formatMoney(refund.amountCents, refund.currency);
    const restocked =
      refund.restock.length === 0 ? '' : `, ${restockText(refund.restock)} restocked`;
    return `${status} — ${amount} refunded${restocked}`;
  },
};

/**
 * A refund's progress, as `pay` shows a payment's: what is refunded, each attempt and retry as it
 * happens, the final state. Refunds carry no `nextAttemptAt`, so a wait shows once the next
 * attempt lands ("retried after").
 */
export function createRefundProgressLog(style: ChalkInstance) {
  return createAttemptLog(refundStory, style);
}
