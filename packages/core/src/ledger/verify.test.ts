import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import type { RefundStatus } from '../refunds/refund.js';
import { asPaymentId, asRefundId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { alterLeaf, buildLedger, leafPaths, ledgerArb } from '../testing/ledger-fixture.js';
import {
  appendToPaymentChain,
  buildChain,
  journalChainRecord,
  type PaymentChain,
} from './hash-chain.js';
import { buildCaptureEntry, buildRefundEntry, type JournalEntryRecord } from './journal.js';
import type { LedgerRefund, LedgerSnapshot } from './ledger-report.js';
import { verifyLedger } from './verify.js';

const plan = (cardNumber: string, amountCents = 4200) => ({
  cardNumber,
  amountCents,
  jitter: 0.5,
  untouched: false,
});
// pay-0 succeeds, pay-1 is declined, pay-2 exhausts its retries, pay-3 is still INITIATED.
const ledger = buildLedger([
  plan(TEST_CARDS.visaApproved),
  plan(TEST_CARDS.declined),
  plan(TEST_CARDS.processingError),
  { ...plan(TEST_CARDS.visaApproved), untouched: true },
]);
const codes = (snapshot: LedgerSnapshot) => verifyLedger(snapshot).problems.map((p) => p.code);
const withPayment = (index: number, change: object): LedgerSnapshot => ({
  ...ledger,
  payments: ledger.payments.map((p, i) => (i === index ? { ...p, ...change } : p)),
});

/** A SUCCEEDED refund of `amountCents` of payment `pay-<index>`, and its entry. */
function refundOf(index: number, amountCents: number, status: RefundStatus = 'SUCCEEDED') {
  const paymentId = asPaymentId(`pay-${index}`);
  const refund: LedgerRefund = {
    id: asRefundId(`re-${index}-${amountCents}`),
    paymentId,
    status,
    amount: money(amountCents),
    restock: [],
  };
  return { refund, entry: buildRefundEntry(refund.id, paymentId, money(amountCents)) };
}

/** Adds entries to the journal and to their payment's chain, moving its chain head. */
function post(
  snapshot: LedgerSnapshot,
  extra: readonly JournalEntryRecord[],
  refunds: readonly LedgerRefund[] = [],
): LedgerSnapshot {
  let { payments, chains } = snapshot;
  for (const entry of extra) {
    const payment = payments.find((p) => p.id === entry.paymentId)!;
    const { payment: moved, link } = appendToPaymentChain(payment, journalChainRecord(entry));
    payments = payments.map((p) => (p.id === moved.id ? moved : p));
    const chain = chains.find((c) => c.paymentId === entry.paymentId);
    const others = chains.filter((c) => c !== chain);
    chains = [...others, { paymentId: entry.paymentId, links: [...(chain?.links ?? []), link] }];
  }
  return {
    ...snapshot,
    payments,
    chains,
    entries: [...snapshot.entries, ...extra],
    refunds: [...snapshot.refunds, ...refunds],
  };
}

describe('verifyLedger on an honest ledger', () => {
  it('finds nothing and reports what it checked', () => {
    expect(verifyLedger(ledger)).toEqual({
      ok: true,
      checked: { entries: 1, payments: 4, chains: 3 },
      problems: [],
    });
  });

  it('finds nothing in any ledger the engine produces', () => {
    fc.assert(
      fc.property(ledgerArb, (snapshot) => verifyLedger(snapshot).ok),
      { numRuns: 50 },
    );
  });

  it('accepts a refund of a captured payment', () => {
    const { refund, entry } = refundOf(0, 4200);
    expect(verifyLedger(post(ledger, [entry], [refund])).problems).toEqual([]);
  });
});

describe('verifyLedger catches tampering', () => {
  it('catches any single altered field of any journal or chain row', () => {
    fc.assert(
      fc.property(ledgerArb, fc.nat(), (snapshot, pick) => {
        const rows = { entries: snapshot.entries, chains: snapshot.chains };
        const paths = leafPaths(rows);
        const path = paths[pick % paths.length]!;
        const altered = { ...snapshot, ...alterLeaf(rows, path) };
        expect(verifyLedger(altered).ok, `altered ${path.join('.')}`).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('catches any removed row', () => {
    fc.assert(
      fc.property(ledgerArb, fc.nat(), (snapshot, pick) => {
        const rows = [
          ...snapshot.entries.map((_, i) => ({ entry: i })),
          ...snapshot.chains.flatMap((c, ci) => c.links.map((_, li) => ({ chain: ci, link: li }))),
        ];
        const row = rows[pick % rows.length]!;
        const removed: LedgerSnapshot =
          'entry' in row
            ? { ...snapshot, entries: snapshot.entries.filter((_, i) => i !== row.entry) }
            : {
                ...snapshot,
                chains: snapshot.chains.map((c, ci) =>
                  ci === row.chain
                    ? { ...c, links: c.links.filter((_, li) => li !== row.link) }
                    : c,
                ),
              };
        expect(verifyLedger(removed).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('catches any two rows of a chain swapped', () => {
    const longChains = ledgerArb.filter((s) => s.chains.some((c) => c.links.length >= 2));
    fc.assert(
      fc.property(longChains, fc.nat(), fc.nat(), fc.nat(), (snapshot, c, a, b) => {
        const candidates = snapshot.chains.filter((chain) => chain.links.length >= 2);
        const chain = candidates[c % candidates.length]!;
        const i = a % chain.links.length;
        const j = (i + 1 + (b % (chain.links.length - 1))) % chain.links.length;
        const links = [...chain.links];
        [links[i], links[j]] = [links[j]!, links[i]!];
        const swapped = snapshot.chains.map((x) => (x === chain ? { ...x, links } : x));
        expect(verifyLedger({ ...snapshot, chains: swapped }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('catches a removed last row through the payment chain head', () => {
    const [chain] = ledger.chains;
    const truncated: PaymentChain = {
      paymentId: chain!.paymentId,
      links: chain!.links.slice(0, -1),
    };
    const snapshot = { ...ledger, chains: [truncated, ...ledger.chains.slice(1)] };
    expect(codes(snapshot)).toContain('CHAIN_HEAD_MISMATCH');
  });

  it('catches a chain rewritten with fresh hashes through the chain head', () => {
    const [chain] = ledger.chains;
    const records = chain!.links.map((l, i) =>
      i === 0 && l.record.type === 'ATTEMPT' ? { ...l.record, latencyMs: 1 } : l.record,
    );
    const rewritten = { paymentId: chain!.paymentId, links: buildChain(records) };
    const snapshot = { ...ledger, chains: [rewritten, ...ledger.chains.slice(1)] };
    expect(codes(snapshot)).toEqual(['CHAIN_HEAD_MISMATCH']);
  });
});

describe('verifyLedger names each broken invariant', () => {
  it('an entry that does not balance, and the global sum with it', () => {
    const [capture] = ledger.entries;
    const skewed = {
      ...capture!,
      postings: capture!.postings.map((p, i) => (i === 0 ? { ...p, amountCents: 4201 } : p)),
    };
    const snapshot = post({ ...ledger, entries: [] }, [skewed]);
    expect(codes({ ...snapshot, chains: snapshot.chains })).toEqual(
      expect.arrayContaining(['ENTRY_UNBALANCED', 'GLOBAL_SUM_NONZERO', 'CAPTURE_AMOUNT_MISMATCH']),
    );
  });

  it('a SUCCESS payment without its capture', () => {
    const snapshot = withPayment(1, { status: 'SUCCESS' });
    expect(codes(snapshot)).toEqual(['CAPTURE_MISSING']);
  });

  it('a capture on a payment that did not succeed', () => {
    expect(codes(withPayment(0, { status: 'FAILED_FINAL' }))).toEqual(['CAPTURE_WITHOUT_SUCCESS']);
  });

  it('a capture of the wrong amount or currency', () => {
    expect(codes(withPayment(0, { amount: money(4300) }))).toEqual(['CAPTURE_AMOUNT_MISMATCH']);
    expect(codes(withPayment(0, { amount: money(4200, 'EUR') }))).toEqual([
      'CAPTURE_AMOUNT_MISMATCH',
    ]);
  });

  it('two captures of one payment, which also share a reference', () => {
    const again = post(ledger, [buildCaptureEntry(asPaymentId('pay-0'), money(4200))]);
    expect(codes(again)).toEqual(['DUPLICATE_REFERENCE', 'CAPTURE_DUPLICATE']);
  });

  it('a reference that does not match its kind and refund', () => {
    const { refund, entry } = refundOf(0, 100);
    expect(codes(post(ledger, [{ ...entry, reference: 'refund:zzz' }], [refund]))).toEqual([
      'REFERENCE_MISMATCH',
    ]);
  });

  it('refunds without a capture, or beyond it', () => {
    const noCapture = refundOf(1, 10);
    expect(codes(post(ledger, [noCapture.entry], [noCapture.refund]))).toEqual([
      'REFUND_WITHOUT_CAPTURE',
    ]);
    const tooMuch = refundOf(0, 4201);
    expect(codes(post(ledger, [tooMuch.entry], [tooMuch.refund]))).toEqual([
      'REFUND_EXCEEDS_CAPTURE',
    ]);
  });

  it('a SUCCEEDED refund without its entry, and an entry of a refund that did not succeed', () => {
    const missing = refundOf(0, 100);
    expect(codes(post(ledger, [], [missing.refund]))).toEqual(['REFUND_ENTRY_MISSING']);
    const failed = refundOf(0, 100, 'FAILED');
    expect(codes(post(ledger, [failed.entry], [failed.refund]))).toEqual([
      'REFUND_ENTRY_WITHOUT_SUCCESS',
    ]);
    const orphan = refundOf(0, 100);
    expect(codes(post(ledger, [orphan.entry]))).toEqual(['REFUND_ENTRY_WITHOUT_SUCCESS']);
  });

  it('two entries of one refund, and an entry of another amount than its refund', () => {
    const { refund, entry } = refundOf(0, 100);
    const twice = codes(post(ledger, [entry, { ...entry }], [refund]));
    expect(twice).toContain('REFUND_ENTRY_DUPLICATE');
    const other = refundOf(0, 100);
    const mismatched = post(ledger, [other.entry], [{ ...other.refund, amount: money(90) }]);
    expect(codes(mismatched)).toEqual(['REFUND_AMOUNT_MISMATCH']);
  });

  it('a refund that restocks more than its order bought', () => {
    const { refund, entry } = refundOf(0, 100);
    const restocking = { ...refund, restock: [{ sku: 'SKU-1', quantity: 3 }] };
    const snapshot = {
      ...post(ledger, [entry], [restocking]),
      purchases: [{ paymentId: asPaymentId('pay-0'), sku: 'SKU-1', quantity: 2 }],
    };
    expect(codes(snapshot)).toEqual(['RESTOCK_EXCEEDS_PURCHASE']);
    expect(codes({ ...snapshot, purchases: [{ ...snapshot.purchases[0]!, quantity: 3 }] })).toEqual(
      [],
    );
  });

  it('entries and chains for a payment nobody knows', () => {
    const ghost = buildCaptureEntry(asPaymentId('ghost'), money(1));
    const chain = { paymentId: ghost.paymentId, links: buildChain([journalChainRecord(ghost)]) };
    const snapshot = {
      ...ledger,
      entries: [...ledger.entries, ghost],
      chains: [...ledger.chains, chain],
    };
    expect(codes(snapshot)).toEqual(['UNKNOWN_PAYMENT', 'UNKNOWN_PAYMENT']);
  });

  it('two chains for one payment', () => {
    const snapshot = { ...ledger, chains: [...ledger.chains, ledger.chains[1]!] };
    expect(codes(snapshot)).toEqual(['DUPLICATE_CHAIN']);
  });

  it('a journal entry that never made it into its chain', () => {
    const chains = ledger.chains.map((c) =>
      c.paymentId === 'pay-0' ? { ...c, links: c.links.slice(0, -1) } : c,
    );
    const payments = ledger.payments.map((p) =>
      p.id === 'pay-0' ? { ...p, chainHead: chains[0]!.links.at(-1)!.hash } : p,
    );
    expect(codes({ ...ledger, chains, payments })).toEqual(['ENTRY_NOT_IN_CHAIN']);
  });

  it('reports every problem, not only the first', () => {
    const report = verifyLedger({
      ...withPayment(1, { status: 'SUCCESS' }),
      entries: [],
    });
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThanOrEqual(3);
    expect(report.problems.every((p) => p.detail.length > 0)).toBe(true);
  });
});
