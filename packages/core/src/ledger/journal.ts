import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { PaymentId, RefundId } from '../shared/ids.js';
import { money, type Currency, type Money } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';

/**
 * The double-entry journal (DESIGN §2 Ledger). Sign convention: a debit is a positive
 * `amountCents`, a credit a negative one, so a balanced entry sums to exactly zero.
 */
export const LEDGER_ACCOUNTS = {
  gatewayClearing: 'assets:gateway_clearing',
  sales: 'revenue:sales',
  /** Contra-revenue: what refunds gave back, kept apart from the sales it reverses. */
  refunds: 'revenue:refunds',
} as const;

export const JOURNAL_ENTRY_KINDS = ['CAPTURE', 'REFUND'] as const;
export type JournalEntryKind = (typeof JOURNAL_ENTRY_KINDS)[number];

/** One line of an entry: debit (> 0) or credit (< 0) to an account. */
export interface Posting {
  readonly account: string;
  readonly amountCents: number;
  readonly currency: Currency;
}

/** An entry as stored and loaded: what verification reads. */
export interface JournalEntryRecord {
  readonly paymentId: PaymentId;
  /** The refund a REFUND entry posts; null for a capture. */
  readonly refundId: RefundId | null;
  readonly kind: JournalEntryKind;
  /** Unique: `capture:<paymentId>` or `refund:<refundId>`; makes posting idempotent. */
  readonly reference: string;
  readonly postings: readonly Posting[];
}

declare const balancedEntry: unique symbol;

/**
 * An entry proven balanced. Only {@link buildJournalEntry} (and the capture/refund builders on top
 * of it) can produce one, so an unbalanced entry cannot reach the code that posts it.
 */
export type JournalEntry = JournalEntryRecord & { readonly [balancedEntry]: true };

export const UNBALANCED_REASONS = [
  'TOO_FEW_POSTINGS',
  'INVALID_AMOUNT',
  'MIXED_CURRENCY',
  'SUM_NOT_ZERO',
] as const;
export type UnbalancedReason = (typeof UNBALANCED_REASONS)[number];

/**
 * Why these postings cannot form an entry, or `null` when they can: at least two postings, each
 * a non-zero safe integer, one currency, summing to zero.
 */
export function findImbalance(
  postings: readonly Posting[],
): { readonly reason: UnbalancedReason; readonly sumCents: number } | null {
  const sumCents = postings.reduce((sum, p) => sum + p.amountCents, 0);
  if (postings.length < 2) return { reason: 'TOO_FEW_POSTINGS', sumCents };
  if (postings.some((p) => !Number.isSafeInteger(p.amountCents) || p.amountCents === 0)) {
    return { reason: 'INVALID_AMOUNT', sumCents };
  }
  if (new Set(postings.map((p) => p.currency)).size > 1)
    return { reason: 'MIXED_CURRENCY', sumCents };
  if (sumCents !== 0) return { reason: 'SUM_NOT_ZERO', sumCents };
  return null;
}

/** Builds a journal entry, or `LEDGER.UNBALANCED` when {@link findImbalance} finds a reason. */
export function buildJournalEntry(
  draft: JournalEntryRecord,
): Result<JournalEntry, DomainErrorOf<'LEDGER.UNBALANCED'>> {
  const imbalance = findImbalance(draft.postings);
  if (imbalance) return err(domainError('LEDGER.UNBALANCED', imbalance));
  const record: JournalEntryRecord = { ...draft, postings: [...draft.postings] };
  return ok(record as JournalEntry);
}

/** The idempotency reference of an entry: `capture:<paymentId>`, or `refund:<refundId>`. */
export function entryReference(
  entry: Pick<JournalEntryRecord, 'kind' | 'paymentId' | 'refundId'>,
): string {
  return entry.kind === 'CAPTURE' ? `capture:${entry.paymentId}` : `refund:${entry.refundId ?? ''}`;
}

function buildMoneyMovement(
  kind: JournalEntryKind,
  ids: { readonly paymentId: PaymentId; readonly refundId: RefundId | null },
  amount: Money,
  debit: string,
  credit: string,
): JournalEntry {
  if (amount.amountCents <= 0) throw new RangeError(`${kind} amount must be positive`);
  const { amountCents, currency } = money(amount.amountCents, amount.currency);
  const entry = buildJournalEntry({
    ...ids,
    kind,
    reference: entryReference({ kind, ...ids }),
    postings: [
      { account: debit, amountCents, currency },
      { account: credit, amountCents: -amountCents, currency },
    ],
  });
  // Two opposite non-zero postings in one currency always balance.
  if (!entry.ok) throw new Error(`unbalanced ${kind}: ${entry.error.reason}`);
  return entry.value;
}

/** A capture: DR `assets:gateway_clearing`, CR `revenue:sales`. Throws on a non-positive amount. */
export function buildCaptureEntry(paymentId: PaymentId, amount: Money): JournalEntry {
  const { gatewayClearing, sales } = LEDGER_ACCOUNTS;
  const ids = { paymentId, refundId: null };
  return buildMoneyMovement('CAPTURE', ids, amount, gatewayClearing, sales);
}

/**
 * A refund of (part of) a capture (DESIGN §2 Refunds): DR `revenue:refunds`, CR
 * `assets:gateway_clearing`. Throws on a non-positive amount.
 */
export function buildRefundEntry(
  refundId: RefundId,
  paymentId: PaymentId,
  amount: Money,
): JournalEntry {
  const { gatewayClearing, refunds } = LEDGER_ACCOUNTS;
  return buildMoneyMovement('REFUND', { paymentId, refundId }, amount, refunds, gatewayClearing);
}

/** The amount an entry moves: the sum of its debits. */
export function entryAmount(entry: JournalEntryRecord): Money {
  const debits = entry.postings.filter((p) => p.amountCents > 0);
  const cents = debits.reduce((sum, p) => sum + p.amountCents, 0);
  return money(cents, entry.postings[0]?.currency);
}
