import { checkOrderAccess, ok, type DomainError, type Result } from '@orders/core';
import {
  findOrderById,
  listEntriesForPayment,
  type Database,
  type Sql,
  type StoredJournalEntry,
} from '@orders/db';
import { readPaymentView, type PaymentView } from './get-payment.js';

export interface OrderLedger {
  readonly orderId: string;
  readonly payment: PaymentView | null;
  readonly entries: readonly StoredJournalEntry[];
}

/** `ledger.forOrder`: the order's attempts and journal entries, for its owner or an admin. */
export function ledgerForOrder(
  db: Database,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<OrderLedger, DomainError>> {
  // One snapshot: the payment and its capture entry are seen together or not at all.
  return db.snapshot((snapshot) => readOrderLedger(snapshot, query));
}

async function readOrderLedger(
  tx: Sql,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<OrderLedger, DomainError>> {
  const access = checkOrderAccess(await findOrderById(tx, query.orderId), query);
  if (!access.ok) return access;
  const order = access.value;
  const payment = await readPaymentView(tx, query);
  const entries = payment ? await listEntriesForPayment(tx, payment.payment.id) : [];
  return ok({ orderId: order.id, payment, entries });
}
