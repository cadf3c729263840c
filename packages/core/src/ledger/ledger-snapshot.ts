import type { PaymentAttempt } from '../payments/payment.js';
import type { PaymentId } from '../shared/ids.js';
import { attemptChainRecord, journalChainRecord, type ChainLink } from './hash-chain.js';
import type { JournalEntryRecord } from './journal.js';
import type { LedgerPayment, LedgerSnapshot } from './ledger-report.js';

/** A stored record's place in its payment's chain. */
interface Chained {
  readonly prevHash: string;
  readonly hash: string;
}

/** The ledger as stored: payments, attempts and entries, each row with its chain hashes. */
export interface StoredLedger {
  readonly payments: readonly LedgerPayment[];
  /** In each payment's attempt order. */
  readonly attempts: readonly (Chained & {
    readonly paymentId: PaymentId;
    readonly attempt: PaymentAttempt;
  })[];
  /** In each payment's posting order. */
  readonly entries: readonly (JournalEntryRecord & Chained)[];
}

/**
 * The snapshot `verifyLedger` checks: each payment's chain in append order — its attempts by
 * number, then its entries (an entry only ever follows the attempt that settled the payment) —
 * rebuilt from the rows exactly as they are hashed.
 */
export function assembleLedgerSnapshot(stored: StoredLedger): LedgerSnapshot {
  const chains = new Map<PaymentId, ChainLink[]>();
  const linksOf = (paymentId: PaymentId): ChainLink[] => {
    let links = chains.get(paymentId);
    if (!links) chains.set(paymentId, (links = []));
    return links;
  };
  for (const { paymentId, attempt, prevHash, hash } of stored.attempts) {
    linksOf(paymentId).push({ record: attemptChainRecord(paymentId, attempt), prevHash, hash });
  }
  for (const entry of stored.entries) {
    const { prevHash, hash } = entry;
    linksOf(entry.paymentId).push({ record: journalChainRecord(entry), prevHash, hash });
  }
  return {
    payments: stored.payments,
    entries: stored.entries,
    chains: [...chains].map(([paymentId, links]) => ({ paymentId, links })),
  };
}
