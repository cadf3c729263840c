import { verifyLedger, type LedgerReport } from '@orders/core';
import { loadLedgerSnapshot, type Database } from '@orders/db';

/** `ledger.verify`: the core's checks over one consistent snapshot of the whole ledger. */
export async function verifyStoredLedger(db: Database): Promise<LedgerReport> {
  return verifyLedger(await loadLedgerSnapshot(db));
}
