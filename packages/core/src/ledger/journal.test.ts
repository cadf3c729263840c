import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asPaymentId, asRefundId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import {
  buildCaptureEntry,
  buildJournalEntry,
  buildRefundEntry,
  entryAmount,
  entryReference,
  findImbalance,
  type Posting,
} from './journal.js';

const paymentId = asPaymentId('pay-1');
const refundId = asRefundId('re-1');
const usd = (account: string, amountCents: number): Posting => ({
  account,
  amountCents,
  currency: 'USD',
});
const sum = (postings: readonly Posting[]) => postings.reduce((s, p) => s + p.amountCents, 0);

describe('capture and refund entries', () => {
  it('a capture debits gateway clearing and credits sales', () => {
    expect(buildCaptureEntry(paymentId, money(4200))).toEqual({
      paymentId,
      refundId: null,
      kind: 'CAPTURE',
      reference: 'capture:pay-1',
      postings: [usd('assets:gateway_clearing', 4200), usd('revenue:sales', -4200)],
    });
  });

  it('a refund gives back from revenue:refunds what clearing took in, under the refund', () => {
    expect(buildRefundEntry(refundId, paymentId, money(4200))).toEqual({
      paymentId,
      refundId,
      kind: 'REFUND',
      reference: 'refund:re-1',
      postings: [usd('revenue:refunds', 4200), usd('assets:gateway_clearing', -4200)],
    });
  });

  it('refuses a non-positive amount (a caller bug)', () => {
    expect(() => buildCaptureEntry(paymentId, money(0))).toThrow(RangeError);
    expect(() => buildRefundEntry(refundId, paymentId, money(-5))).toThrow(RangeError);
  });

  it('always balance, and move exactly the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('USD' as const, 'EUR' as const, 'GBP' as const),
        (cents, currency) => {
          for (const entry of [
            buildCaptureEntry(paymentId, money(cents, currency)),
            buildRefundEntry(refundId, paymentId, money(cents, currency)),
          ]) {
            expect(sum(entry.postings)).toBe(0);
            expect(findImbalance(entry.postings)).toBeNull();
            expect(entryAmount(entry)).toEqual(money(cents, currency));
          }
        },
      ),
    );
  });

  it('names a capture after its payment and a refund after itself', () => {
    expect(entryReference({ kind: 'CAPTURE', paymentId, refundId: null })).toBe('capture:pay-1');
    expect(entryReference({ kind: 'REFUND', paymentId, refundId })).toBe('refund:re-1');
  });
});

describe('buildJournalEntry', () => {
  const draft = (postings: Posting[]) => ({
    paymentId,
    refundId: null,
    kind: 'CAPTURE' as const,
    reference: 'capture:pay-1',
    postings,
  });
  const unbalanced = (reason: string, sumCents: number) => ({
    ok: false,
    error: { code: 'LEDGER.UNBALANCED', reason, sumCents },
  });

  it('accepts balanced postings across more than two accounts', () => {
    const postings = [usd('a', 100), usd('b', -60), usd('c', -40)];
    expect(buildJournalEntry(draft(postings))).toEqual({ ok: true, value: draft(postings) });
  });

  it('refuses postings that do not sum to zero', () => {
    expect(buildJournalEntry(draft([usd('a', 100), usd('b', -99)]))).toEqual(
      unbalanced('SUM_NOT_ZERO', 1),
    );
  });

  it('refuses fewer than two postings', () => {
    expect(buildJournalEntry(draft([]))).toEqual(unbalanced('TOO_FEW_POSTINGS', 0));
    expect(buildJournalEntry(draft([usd('a', 5)]))).toEqual(unbalanced('TOO_FEW_POSTINGS', 5));
  });

  it('refuses zero or fractional amounts', () => {
    expect(buildJournalEntry(draft([usd('a', 0), usd('b', 0)]))).toEqual(
      unbalanced('INVALID_AMOUNT', 0),
    );
    expect(buildJournalEntry(draft([usd('a', 0.5), usd('b', -0.5)]))).toEqual(
      unbalanced('INVALID_AMOUNT', 0),
    );
  });

  it('refuses mixed currencies even when the numbers cancel', () => {
    const postings: Posting[] = [
      usd('a', 100),
      { account: 'b', amountCents: -100, currency: 'EUR' },
    ];
    expect(buildJournalEntry(draft(postings))).toEqual(unbalanced('MIXED_CURRENCY', 0));
  });

  it('builds an entry exactly when the postings sum to zero', () => {
    const postingsArb = fc.array(
      fc.record({
        account: fc.constantFrom('a', 'b', 'c'),
        amountCents: fc.integer({ min: -1e9, max: 1e9 }).filter((n) => n !== 0),
        currency: fc.constant('USD' as const),
      }),
      { minLength: 2, maxLength: 6 },
    );
    fc.assert(
      fc.property(postingsArb, fc.boolean(), (postings, balance) => {
        const fixed = balance
          ? [...postings, usd('z', -sum(postings))].filter((p) => p.amountCents !== 0)
          : postings;
        const result = buildJournalEntry(draft(fixed));
        expect(result.ok).toBe(fixed.length >= 2 && sum(fixed) === 0);
        if (result.ok) expect(sum(result.value.postings)).toBe(0);
      }),
    );
  });

  it('copies the postings so later changes to the draft cannot unbalance it', () => {
    const postings = [usd('a', 100), usd('b', -100)];
    const result = buildJournalEntry(draft(postings));
    postings.push(usd('c', 1));
    expect(result.ok && result.value.postings).toHaveLength(2);
  });
});
