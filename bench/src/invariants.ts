import { assembleLedgerSnapshot, verifyLedger } from '@orders/core';
import { createDatabase, findStockDrift, loadStoredLedger } from '@orders/db';

export interface InvariantReport {
  readonly ok: boolean;
  readonly confirmedOrders: number;
  readonly successfulPayments: number;
  readonly captures: number;
  readonly stockDrift: number;
  readonly ledgerProblems: readonly string[];
}

/**
 * After the run, on the server's database: stock agrees with its movements and the PENDING
 * orders, every CONFIRMED order has one SUCCESS payment and one capture, and `verifyLedger`
 * (balances, global sum, captures, hash chains) finds nothing.
 */
export async function checkInvariants(databaseUrl: string): Promise<InvariantReport> {
  const db = createDatabase({ url: databaseUrl, poolMax: 2 });
  try {
    const [counts] = await db.execute<{ confirmed: string; success: string; captures: string }[]>(
      `select (select count(*) from orders where status = 'CONFIRMED') as confirmed,
              (select count(*) from payments where status = 'SUCCESS') as success,
              (select count(*) from journal_entries where kind = 'CAPTURE') as captures`,
    );
    const drift = await findStockDrift(db);
    const ledger = verifyLedger(assembleLedgerSnapshot(await loadStoredLedger(db)));
    const confirmedOrders = Number(counts?.confirmed ?? 0);
    const successfulPayments = Number(counts?.success ?? 0);
    const captures = Number(counts?.captures ?? 0);
    return {
      ok:
        ledger.ok &&
        drift.length === 0 &&
        confirmedOrders === successfulPayments &&
        successfulPayments === captures,
      confirmedOrders,
      successfulPayments,
      captures,
      stockDrift: drift.length,
      ledgerProblems: ledger.problems.slice(0, 5).map((p) => `${p.code}: ${p.detail}`),
    };
  } finally {
    await db.close();
  }
}

/** `clean (confirmed …, success …, captures …, stock drift …)`, or `BROKEN (…, ledger: …)`. */
export function describeInvariants(r: InvariantReport): string {
  const ledger = r.ledgerProblems.length ? `, ledger: ${r.ledgerProblems.join('; ')}` : '';
  return `${r.ok ? 'clean' : 'BROKEN'} (confirmed ${r.confirmedOrders}, success ${r.successfulPayments}, captures ${r.captures}, stock drift ${r.stockDrift}${ledger})`;
}
