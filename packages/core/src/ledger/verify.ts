import { entryReference, findImbalance, type JournalEntryRecord } from './journal.js';
import { checkRefundEntries, checkRestocks, debitCents } from './verify-refunds.js';
import type {
  LedgerPayment,
  LedgerProblem,
  LedgerReport,
  LedgerSnapshot,
} from './ledger-report.js';
import { checkChains, checkEntriesAnchored } from './verify-chains.js';

/** Each entry balances, carries its expected reference, and references are unique. */
function checkEntries(entries: readonly JournalEntryRecord[]): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const references = new Set<string>();
  for (const entry of entries) {
    const imbalance = findImbalance(entry.postings);
    if (imbalance) {
      const detail = `${entry.reference}: ${imbalance.reason} (sum ${imbalance.sumCents})`;
      problems.push({ code: 'ENTRY_UNBALANCED', detail });
    }
    // A capture names no refund; a refund entry names its refund (its reference says which).
    const refundNamed = entry.kind === 'REFUND' ? entry.refundId !== null : entry.refundId === null;
    if (!refundNamed || entry.reference !== entryReference(entry)) {
      const detail = `${entry.reference} on a ${entry.kind} of payment ${entry.paymentId}`;
      problems.push({ code: 'REFERENCE_MISMATCH', detail });
    }
    if (references.has(entry.reference)) {
      problems.push({ code: 'DUPLICATE_REFERENCE', detail: entry.reference });
    }
    references.add(entry.reference);
  }
  return problems;
}

/** All postings of the journal, per currency, sum to zero. */
function checkGlobalSum(entries: readonly JournalEntryRecord[]): LedgerProblem[] {
  const sums = new Map<string, number>();
  for (const posting of entries.flatMap((e) => e.postings)) {
    sums.set(posting.currency, (sums.get(posting.currency) ?? 0) + posting.amountCents);
  }
  return [...sums]
    .filter(([, sum]) => sum !== 0)
    .map(([currency, sum]) => ({ code: 'GLOBAL_SUM_NONZERO', detail: `${currency}: ${sum}` }));
}

/** One payment's captures and refunds against its status and amount. */
function checkPaymentEntries(
  payment: LedgerPayment,
  entries: readonly JournalEntryRecord[],
): LedgerProblem[] {
  const at = `payment ${payment.id}`;
  const captures = entries.filter((e) => e.kind === 'CAPTURE');
  const refunds = entries.filter((e) => e.kind === 'REFUND');
  const problems: LedgerProblem[] = [];
  if (payment.status !== 'SUCCESS') {
    if (captures.length > 0) {
      problems.push({ code: 'CAPTURE_WITHOUT_SUCCESS', detail: `${at} is ${payment.status}` });
    }
  } else if (captures.length === 0) {
    problems.push({ code: 'CAPTURE_MISSING', detail: at });
  } else if (captures.length > 1) {
    problems.push({ code: 'CAPTURE_DUPLICATE', detail: `${at} has ${captures.length}` });
  }
  for (const capture of captures) {
    const sameCurrency = capture.postings.every((p) => p.currency === payment.amount.currency);
    if (!sameCurrency || debitCents(capture) !== payment.amount.amountCents) {
      const detail = `${at}: captured ${debitCents(capture)}, amount ${payment.amount.amountCents}`;
      problems.push({ code: 'CAPTURE_AMOUNT_MISMATCH', detail });
    }
  }
  const refunded = refunds.reduce((sum, r) => sum + debitCents(r), 0);
  if (refunds.length > 0 && captures.length === 0) {
    problems.push({ code: 'REFUND_WITHOUT_CAPTURE', detail: at });
  } else if (refunded > captures.reduce((sum, c) => sum + debitCents(c), 0)) {
    problems.push({ code: 'REFUND_EXCEEDS_CAPTURE', detail: `${at}: refunded ${refunded}` });
  }
  return problems;
}

/** Captures and refunds of every payment, and entries that name no known payment. */
function checkCaptures(
  payments: readonly LedgerPayment[],
  entries: readonly JournalEntryRecord[],
): LedgerProblem[] {
  // Grouped once, so verification stays linear in the size of the ledger.
  const byPayment = new Map<string, JournalEntryRecord[]>(payments.map((p) => [p.id, []]));
  const problems: LedgerProblem[] = [];
  for (const entry of entries) {
    const group = byPayment.get(entry.paymentId);
    if (group) group.push(entry);
    else problems.push({ code: 'UNKNOWN_PAYMENT', detail: `entry ${entry.reference}` });
  }
  for (const payment of payments) {
    problems.push(...checkPaymentEntries(payment, byPayment.get(payment.id) ?? []));
  }
  return problems;
}

/**
 * Checks every ledger invariant of DESIGN §2 and reports each broken one (it never stops at the
 * first): every entry balances, the global sum is zero, every SUCCESS payment has exactly one
 * capture of its amount and no other payment has one, refunds never exceed the capture, every
 * SUCCEEDED refund has exactly one refund entry of its amount and nothing else has one, no refund
 * restocks more than was bought, every chain recomputes and links up to its payment's head, and
 * journal and chains agree. Never throws on corrupt data.
 */
export function verifyLedger(snapshot: LedgerSnapshot): LedgerReport {
  const { payments, refunds, purchases, entries, chains } = snapshot;
  const problems = [
    ...checkEntries(entries),
    ...checkGlobalSum(entries),
    ...checkCaptures(payments, entries),
    ...checkRefundEntries(refunds, entries),
    ...checkRestocks(refunds, purchases),
    ...checkChains(payments, chains),
    ...checkEntriesAnchored(chains, entries),
  ];
  return {
    ok: problems.length === 0,
    checked: { entries: entries.length, payments: payments.length, chains: chains.length },
    problems,
  };
}
