import type { PaymentAttempt } from '../payments/payment.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { RefundAttempt } from '../refunds/refund.js';
import type { PaymentId, RefundId } from '../shared/ids.js';
import { sha256Hex } from '../shared/sha256.js';
import type { JournalEntryKind, JournalEntryRecord, Posting } from './journal.js';

/**
 * The per-payment hash chain over attempt and journal records (DESIGN §2 Ledger):
 * `hash = sha256(prevHash + canonicalJson(record))`, the first `prevHash` being 64 zeros. Altering,
 * removing or reordering a record breaks a hash or a link; the payment's `chainHead` catches a
 * removed last record.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** A `payment_attempts` row as chained. */
export interface AttemptChainRecord extends PaymentAttempt {
  readonly type: 'ATTEMPT';
  readonly paymentId: PaymentId;
}

/** A `refund_attempts` row as chained: a refund's attempts extend its payment's chain. */
export interface RefundAttemptChainRecord extends RefundAttempt {
  readonly type: 'REFUND_ATTEMPT';
  readonly paymentId: PaymentId;
  readonly refundId: RefundId;
}

/** A journal entry as chained. */
export interface JournalChainRecord {
  readonly type: 'JOURNAL';
  readonly paymentId: PaymentId;
  readonly kind: JournalEntryKind;
  readonly reference: string;
  readonly postings: readonly Posting[];
}

export type ChainRecord = AttemptChainRecord | RefundAttemptChainRecord | JournalChainRecord;

/** A stored record with the hashes that chain it to its predecessor. */
export interface ChainLink {
  readonly record: ChainRecord;
  readonly prevHash: string;
  readonly hash: string;
}

/** One payment's chain, in append order. */
export interface PaymentChain {
  readonly paymentId: PaymentId;
  readonly links: readonly ChainLink[];
}

/** The chained form of an attempt row (exactly these fields are hashed). */
export function attemptChainRecord(
  paymentId: PaymentId,
  attempt: PaymentAttempt,
): AttemptChainRecord {
  const { number, outcome, code, at, latencyMs, gatewayRef } = attempt;
  return { type: 'ATTEMPT', paymentId, number, outcome, code, at, latencyMs, gatewayRef };
}

/** The chained form of a refund attempt row (exactly these fields are hashed). */
export function refundAttemptChainRecord(
  paymentId: PaymentId,
  refundId: RefundId,
  attempt: RefundAttempt,
): RefundAttemptChainRecord {
  const { number, outcome, code, at, latencyMs, gatewayRef } = attempt;
  return {
    type: 'REFUND_ATTEMPT',
    paymentId,
    refundId,
    number,
    outcome,
    code,
    at,
    latencyMs,
    gatewayRef,
  };
}

/** The chained form of a journal entry (exactly these fields are hashed). */
export function journalChainRecord(
  entry: Pick<JournalEntryRecord, 'paymentId' | 'kind' | 'reference' | 'postings'>,
): JournalChainRecord {
  const postings = entry.postings.map(({ account, amountCents, currency }) => ({
    account,
    amountCents,
    currency,
  }));
  const { paymentId, kind, reference } = entry;
  return { type: 'JOURNAL', paymentId, kind, reference, postings };
}

/** `sha256(prevHash + canonicalJson(record))`. */
export function chainHash(prevHash: string, record: ChainRecord): string {
  return sha256Hex(prevHash + canonicalJson(record));
}

/** The link to store when appending `record` after the chain head `prevHash`. */
export function appendChainLink(prevHash: string, record: ChainRecord): ChainLink {
  return { record, prevHash, hash: chainHash(prevHash, record) };
}

/** Links for `records` in order, starting after `prevHash` (genesis by default). */
export function buildChain(
  records: readonly ChainRecord[],
  prevHash: string = GENESIS_HASH,
): ChainLink[] {
  const links: ChainLink[] = [];
  let head = prevHash;
  for (const record of records) {
    const link = appendChainLink(head, record);
    links.push(link);
    head = link.hash;
  }
  return links;
}

/** The hash the next record will chain to: the last link's, or genesis. */
export function chainHeadOf(links: readonly ChainLink[]): string {
  return links.at(-1)?.hash ?? GENESIS_HASH;
}

/**
 * Appends a record to a payment's chain: the link to insert and the payment with its new
 * `chainHead`, to be written in the same transaction.
 */
export function appendToPaymentChain<P extends { readonly chainHead: string }>(
  payment: P,
  record: ChainRecord,
): { readonly payment: P; readonly link: ChainLink } {
  const link = appendChainLink(payment.chainHead, record);
  return { payment: { ...payment, chainHead: link.hash }, link };
}
