import { assembleLedgerSnapshot, verifyLedger, type LedgerReport } from '@orders/core';
import { loadStoredLedger, type Database } from '@orders/db';

/** `ledger.verify`: the core's checks over one consistent snapshot of the whole ledger. */
export async function verifyStoredLedger(db: Database): Promise<LedgerReport> {
  return verifyLedger(assembleLedgerSnapshot(await loadStoredLedger(db)));
}
