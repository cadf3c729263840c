import type { PaymentId } from '../shared/ids.js';
import type { JournalEntryRecord } from './journal.js';
import type { LedgerProblem, LedgerPurchase, LedgerRefund } from './ledger-report.js';

/** Debits of an entry, without trusting it to be well-formed. */
export function debitCents(entry: JournalEntryRecord): number {
  return entry.postings.reduce((sum, p) => (p.amountCents > 0 ? sum + p.amountCents : sum), 0);
}

/**
 * Refunds against the journal (DESIGN §2 Refunds): every SUCCEEDED refund has exactly one REFUND
 * entry, of its amount, under its payment; no other refund (and no unknown one) has any.
 */
export function checkRefundEntries(
  refunds: readonly LedgerRefund[],
  entries: readonly JournalEntryRecord[],
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const byRefund = new Map<string, JournalEntryRecord[]>();
  for (const entry of entries.filter((e) => e.kind === 'REFUND')) {
    const key = entry.refundId ?? '';
    byRefund.set(key, [...(byRefund.get(key) ?? []), entry]);
  }
  const known = new Set(refunds.map((r) => r.id));
  for (const [refundId, found] of byRefund) {
    if (!known.has(refundId as LedgerRefund['id'])) {
      for (const entry of found) {
        const detail = `entry ${entry.reference} names no known refund`;
        problems.push({ code: 'REFUND_ENTRY_WITHOUT_SUCCESS', detail });
      }
    }
  }
  for (const refund of refunds) {
    const at = `refund ${refund.id}`;
    const found = byRefund.get(refund.id) ?? [];
    if (refund.status !== 'SUCCEEDED') {
      if (found.length > 0) {
        problems.push({
          code: 'REFUND_ENTRY_WITHOUT_SUCCESS',
          detail: `${at} is ${refund.status}`,
        });
      }
      continue;
    }
    if (found.length === 0) problems.push({ code: 'REFUND_ENTRY_MISSING', detail: at });
    if (found.length > 1) {
      problems.push({ code: 'REFUND_ENTRY_DUPLICATE', detail: `${at} has ${found.length}` });
    }
    for (const entry of found) {
      const sameCurrency = entry.postings.every((p) => p.currency === refund.amount.currency);
      if (
        entry.paymentId !== refund.paymentId ||
        !sameCurrency ||
        debitCents(entry) !== refund.amount.amountCents
      ) {
        const detail = `${at}: entry ${entry.reference} moves ${debitCents(entry)} on payment ${entry.paymentId}, the refund ${refund.amount.amountCents} on ${refund.paymentId}`;
        problems.push({ code: 'REFUND_AMOUNT_MISMATCH', detail });
      }
    }
  }
  return problems;
}

/** Per payment, SUCCEEDED refunds restock no more of a SKU than its order bought. */
export function checkRestocks(
  refunds: readonly LedgerRefund[],
  purchases: readonly LedgerPurchase[],
): LedgerProblem[] {
  const key = (paymentId: PaymentId, sku: string) => `${paymentId}\u0000${sku}`;
  const bought = new Map<string, number>();
  for (const p of purchases)
    bought.set(key(p.paymentId, p.sku), (bought.get(key(p.paymentId, p.sku)) ?? 0) + p.quantity);
  const restocked = new Map<string, number>();
  for (const refund of refunds.filter((r) => r.status === 'SUCCEEDED')) {
    for (const line of refund.restock) {
      const k = key(refund.paymentId, line.sku);
      restocked.set(k, (restocked.get(k) ?? 0) + line.quantity);
    }
  }
  return [...restocked].flatMap(([k, quantity]) => {
    const limit = bought.get(k) ?? 0;
    if (quantity <= limit) return [];
    const [paymentId, sku] = k.split('\u0000');
    const detail = `payment ${paymentId ?? ''}: ${quantity} of ${sku ?? ''} restocked, ${limit} bought`;
    return [{ code: 'RESTOCK_EXCEEDS_PURCHASE' as const, detail }];
  });
}
