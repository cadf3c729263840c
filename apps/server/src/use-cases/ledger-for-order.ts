import { asOrderId, err, ok, type DomainError, type Result } from '@orders/core';
import {
  findOrderById,
  inSnapshot,
  listEntriesForPayment,
  type EntityManager,
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
  em: EntityManager,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<OrderLedger, DomainError>> {
  // One snapshot: the payment and its capture entry are seen together or not at all.
  return inSnapshot(em, (snapshot) => readOrderLedger(snapshot, query));
}

async function readOrderLedger(
  em: EntityManager,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<OrderLedger, DomainError>> {
  const order = await findOrderById(em, query.orderId);
  if (!order || (order.userId !== query.userId && !query.isAdmin)) {
    return err({ code: 'ORDER.NOT_FOUND', orderId: asOrderId(query.orderId) });
  }
  const payment = await readPaymentView(em, query);
  const entries = payment ? await listEntriesForPayment(em, payment.payment.id) : [];
  return ok({ orderId: order.id, payment, entries });
}
