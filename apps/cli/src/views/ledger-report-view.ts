import type { ChalkInstance } from 'chalk';
import type { LedgerReport } from '../api-client.js';
import { formatTable } from '../table.js';
import { plural } from './labels.js';

type ProblemCode = LedgerReport['problems'][number]['code'];
type Invariant = 'balanced' | 'sumZero' | 'captures' | 'refunds' | 'chains';

/** The invariants `ledger.verify` checks (DESIGN §2 Ledger), in words. */
const INVARIANTS: Readonly<Record<Invariant, string>> = {
  balanced: 'every journal entry balances and carries its own reference',
  sumZero: 'all postings together sum to zero',
  captures:
    'every successful payment has exactly one capture of its amount, and nothing else has one',
  refunds:
    'refunds never exceed the capture, every successful refund has exactly one entry of its ' +
    'amount, and nothing restocks more than was bought',
  chains: "every hash chain links, recomputes and ends at its payment's head",
};

/** Which invariant each problem breaks; `satisfies` keeps the list complete as codes are added. */
const BROKEN_BY = {
  ENTRY_UNBALANCED: 'balanced',
  REFERENCE_MISMATCH: 'balanced',
  DUPLICATE_REFERENCE: 'balanced',
  GLOBAL_SUM_NONZERO: 'sumZero',
  UNKNOWN_PAYMENT: 'captures',
  CAPTURE_MISSING: 'captures',
  CAPTURE_DUPLICATE: 'captures',
  CAPTURE_AMOUNT_MISMATCH: 'captures',
  CAPTURE_WITHOUT_SUCCESS: 'captures',
  REFUND_WITHOUT_CAPTURE: 'refunds',
  REFUND_EXCEEDS_CAPTURE: 'refunds',
  REFUND_ENTRY_MISSING: 'refunds',
  REFUND_ENTRY_DUPLICATE: 'refunds',
  REFUND_ENTRY_WITHOUT_SUCCESS: 'refunds',
  REFUND_AMOUNT_MISMATCH: 'refunds',
  RESTOCK_EXCEEDS_PURCHASE: 'refunds',
  CHAIN_LINK_BROKEN: 'chains',
  CHAIN_HASH_MISMATCH: 'chains',
  CHAIN_HEAD_MISMATCH: 'chains',
  DUPLICATE_CHAIN: 'chains',
  ENTRY_NOT_IN_CHAIN: 'chains',
  CHAIN_ENTRY_NOT_IN_JOURNAL: 'chains',
} as const satisfies Record<ProblemCode, Invariant>;

/** `ledger verify`: the verdict, each invariant ticked or crossed, then every problem found. */
export function ledgerReportView(report: LedgerReport, style: ChalkInstance): string[] {
  const { checked, problems } = report;
  const counts = `${plural(checked.entries, 'entry', 'entries')}, ${plural(checked.payments, 'payment')}, ${plural(checked.chains, 'chain')} checked`;
  const broken = new Set<Invariant>(problems.map((p) => BROKEN_BY[p.code]));
  const lines = [
    report.ok
      ? `${style.green.bold('Ledger OK')} — ${counts}`
      : `${style.red.bold('Ledger BROKEN')} — ${plural(problems.length, 'problem')}; ${counts}`,
    ...(Object.entries(INVARIANTS) as [Invariant, string][]).map(([key, text]) =>
      broken.has(key) ? `  ${style.red('✗')} ${text}` : `  ${style.green('✓')} ${text}`,
    ),
  ];
  if (problems.length > 0) {
    const table = formatTable(
      problems,
      [
        { header: 'CODE', value: (p) => style.red(p.code) },
        { header: 'DETAIL', value: (p) => p.detail },
      ],
      style,
      '  ',
    );
    lines.push('', style.bold('Problems'), ...table);
  }
  return lines;
}
