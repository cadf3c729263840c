import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { ledgerReportView } from './ledger-report-view.js';

const plain = new Chalk({ level: 0 });

describe('ledgerReportView', () => {
  it('crosses each broken invariant and lists every problem found', () => {
    const lines = ledgerReportView(
      {
        ok: false,
        checked: { entries: 4, payments: 3, chains: 3 },
        problems: [
          { code: 'CAPTURE_MISSING', detail: 'payment p1' },
          { code: 'CHAIN_HASH_MISMATCH', detail: 'payment p2 at record 2' },
        ],
      },
      plain,
    );
    expect(lines).toEqual([
      'Ledger BROKEN — 2 problems; 4 entries, 3 payments, 3 chains checked',
      '  ✓ every journal entry balances and carries its own reference',
      '  ✓ all postings together sum to zero',
      '  ✗ every successful payment has exactly one capture of its amount, and nothing else has one',
      '  ✓ refunds never exceed the capture, every successful refund has exactly one entry of its amount, and nothing restocks more than was bought',
      "  ✗ every hash chain links, recomputes and ends at its payment's head",
      '',
      'Problems',
      '  CODE                 DETAIL',
      '  CAPTURE_MISSING      payment p1',
      '  CHAIN_HASH_MISMATCH  payment p2 at record 2',
    ]);
  });
});
