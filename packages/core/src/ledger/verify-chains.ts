import { canonicalJson } from '../shared/canonical-json.js';
import type { PaymentId } from '../shared/ids.js';
import { chainHash, chainHeadOf, GENESIS_HASH, journalChainRecord } from './hash-chain.js';
import type { PaymentChain } from './hash-chain.js';
import type { JournalEntryRecord } from './journal.js';
import type { LedgerPayment, LedgerProblem } from './ledger-report.js';

/**
 * Every link of a chain must recompute to its stored hash and point at its predecessor's hash;
 * the last hash must equal the payment's `chainHead` (which is what exposes a removed last link).
 */
export function checkChainLinks(chain: PaymentChain, expectedHead: string): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  let prev = GENESIS_HASH;
  chain.links.forEach((link, index) => {
    const at = `payment ${chain.paymentId}, link ${index + 1}`;
    if (link.prevHash !== prev) {
      problems.push({
        code: 'CHAIN_LINK_BROKEN',
        detail: `${at}: does not follow the previous link`,
      });
    }
    if (chainHash(link.prevHash, link.record) !== link.hash) {
      problems.push({ code: 'CHAIN_HASH_MISMATCH', detail: `${at}: hash does not recompute` });
    }
    prev = link.hash;
  });
  if (chainHeadOf(chain.links) !== expectedHead) {
    problems.push({
      code: 'CHAIN_HEAD_MISMATCH',
      detail: `payment ${chain.paymentId}: chain ends elsewhere than the payment's chain head`,
    });
  }
  return problems;
}

interface Tally {
  readonly reference: string;
  count: number;
}

/** How often each journal record (in canonical form, so with its payment) occurs. */
function tally(
  records: readonly Pick<JournalEntryRecord, 'paymentId' | 'kind' | 'reference' | 'postings'>[],
): Map<string, Tally> {
  const counts = new Map<string, Tally>();
  for (const record of records) {
    const key = canonicalJson(journalChainRecord(record));
    const seen = counts.get(key);
    if (seen) seen.count += 1;
    else counts.set(key, { reference: record.reference, count: 1 });
  }
  return counts;
}

/** Records of `a` that occur more often in `a` than in `b`. */
function surplus(a: Map<string, Tally>, b: Map<string, Tally>): string[] {
  return [...a].flatMap(([key, { reference, count }]) =>
    count > (b.get(key)?.count ?? 0) ? [reference] : [],
  );
}

/**
 * The journal and the chains must tell the same story: each entry appears in its payment's chain
 * exactly as often as in the journal. This ties a change to a journal row that left the chain
 * untouched (or the reverse) back to a problem.
 */
export function checkEntriesAnchored(
  chains: readonly PaymentChain[],
  entries: readonly JournalEntryRecord[],
): LedgerProblem[] {
  const chained = tally(
    chains.flatMap((chain) =>
      chain.links.flatMap((link) => (link.record.type === 'JOURNAL' ? [link.record] : [])),
    ),
  );
  const journal = tally(entries);
  return [
    ...surplus(journal, chained).map((reference) => ({
      code: 'ENTRY_NOT_IN_CHAIN' as const,
      detail: `journal entry ${reference} has no matching chained record`,
    })),
    ...surplus(chained, journal).map((reference) => ({
      code: 'CHAIN_ENTRY_NOT_IN_JOURNAL' as const,
      detail: `chained entry ${reference} has no matching journal entry`,
    })),
  ];
}

/** Chains must belong to known payments, one each; a payment without a chain has an empty one. */
export function checkChains(
  payments: readonly LedgerPayment[],
  chains: readonly PaymentChain[],
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const byPayment = new Map<PaymentId, PaymentChain>();
  for (const chain of chains) {
    if (byPayment.has(chain.paymentId)) {
      problems.push({ code: 'DUPLICATE_CHAIN', detail: `payment ${chain.paymentId}` });
    }
    byPayment.set(chain.paymentId, chain);
  }
  const known = new Set(payments.map((p) => p.id));
  for (const chain of chains) {
    if (!known.has(chain.paymentId)) {
      problems.push({ code: 'UNKNOWN_PAYMENT', detail: `chain for payment ${chain.paymentId}` });
    }
  }
  for (const payment of payments) {
    const chain = byPayment.get(payment.id) ?? { paymentId: payment.id, links: [] };
    problems.push(...checkChainLinks(chain, payment.chainHead));
  }
  return problems;
}
