import type { PaymentAttempt } from '../payments/payment.js';
import type { RefundAttempt } from '../refunds/refund.js';
import type { PaymentId, RefundId } from '../shared/ids.js';
import {
  attemptChainRecord,
  GENESIS_HASH,
  journalChainRecord,
  refundAttemptChainRecord,
  type ChainLink,
} from './hash-chain.js';
import type { JournalEntryRecord } from './journal.js';
import type {
  LedgerPayment,
  LedgerPurchase,
  LedgerRefund,
  LedgerSnapshot,
} from './ledger-report.js';

/** A stored record's place in its payment's chain. */
interface Chained {
  readonly prevHash: string;
  readonly hash: string;
}

/** The ledger as stored: payments, refunds, attempts and entries, each row with its chain hashes. */
export interface StoredLedger {
  readonly payments: readonly LedgerPayment[];
  readonly refunds: readonly LedgerRefund[];
  readonly purchases: readonly LedgerPurchase[];
  readonly attempts: readonly (Chained & {
    readonly paymentId: PaymentId;
    readonly attempt: PaymentAttempt;
  })[];
  readonly refundAttempts: readonly (Chained & {
    readonly paymentId: PaymentId;
    readonly refundId: RefundId;
    readonly attempt: RefundAttempt;
  })[];
  readonly entries: readonly (JournalEntryRecord & Chained)[];
}

/**
 * The snapshot `verifyLedger` checks: each payment's chain rebuilt from the rows exactly as they
 * are hashed — its attempts, its capture, its refunds' attempts and entries — in append order,
 * found by following each link's `prevHash` from genesis (payments and refunds append to one chain
 * in the order their transactions committed). Links that do not connect (a removed or forged
 * row, a fork) go last, where verification reports them.
 */
export function assembleLedgerSnapshot(stored: StoredLedger): LedgerSnapshot {
  const chains = new Map<PaymentId, ChainLink[]>();
  const add = (paymentId: PaymentId, link: ChainLink) => {
    let links = chains.get(paymentId);
    if (!links) chains.set(paymentId, (links = []));
    links.push(link);
  };
  for (const { paymentId, attempt, prevHash, hash } of stored.attempts) {
    add(paymentId, { record: attemptChainRecord(paymentId, attempt), prevHash, hash });
  }
  for (const { paymentId, refundId, attempt, prevHash, hash } of stored.refundAttempts) {
    add(paymentId, {
      record: refundAttemptChainRecord(paymentId, refundId, attempt),
      prevHash,
      hash,
    });
  }
  for (const entry of stored.entries) {
    const { prevHash, hash } = entry;
    add(entry.paymentId, { record: journalChainRecord(entry), prevHash, hash });
  }
  return {
    payments: stored.payments,
    refunds: stored.refunds,
    purchases: stored.purchases,
    entries: stored.entries,
    chains: [...chains].map(([paymentId, links]) => ({ paymentId, links: inChainOrder(links) })),
  };
}

/** Links in the order their hashes chain them, from genesis; the rest after, as given. */
function inChainOrder(links: readonly ChainLink[]): ChainLink[] {
  const byPrev = new Map<string, ChainLink[]>();
  for (const link of links) byPrev.set(link.prevHash, [...(byPrev.get(link.prevHash) ?? []), link]);
  const ordered: ChainLink[] = [];
  const used = new Set<ChainLink>();
  let head = GENESIS_HASH;
  for (;;) {
    const next = byPrev.get(head)?.find((link) => !used.has(link));
    if (next === undefined) break;
    ordered.push(next);
    used.add(next);
    head = next.hash;
  }
  return [...ordered, ...links.filter((link) => !used.has(link))];
}
