import { appendToPaymentChain, buildCaptureEntry, journalChainRecord } from '@orders/core';
import {
  commitOrderStock,
  insertJournalEntry,
  releaseOrderStock,
  transitionOrderStatus,
  type Sql,
  type StoredPayment,
} from '@orders/db';

const ACTOR = 'payment-engine';

/**
 * The consequences of a final payment, in the caller's transaction: SUCCESS confirms the order,
 * commits its stock and posts the capture; FAILED_FINAL fails the order and releases its stock.
 * Returns the payment with its chain head moved past the capture entry.
 */
export async function settlePayment(
  tx: Sql,
  payment: StoredPayment,
  at: Date,
): Promise<StoredPayment> {
  const orderId = payment.orderId;
  if (payment.status === 'SUCCESS') {
    await moveOrder(tx, orderId, 'CONFIRMED', 'payment succeeded', at);
    await commitOrderStock(tx, { orderId, actor: ACTOR, at });
    const entry = buildCaptureEntry(payment.id, payment.amount);
    const chained = appendToPaymentChain(payment, journalChainRecord(entry));
    await insertJournalEntry(tx, entry, chained.link, at);
    return chained.payment;
  }
  if (payment.status === 'FAILED_FINAL') {
    const reason = `payment failed: ${payment.failureCode ?? 'unknown'}`;
    await moveOrder(tx, orderId, 'FAILED', reason, at);
    await releaseOrderStock(tx, { orderId, reason, actor: ACTOR, at });
    return payment;
  }
  throw new Error(`settlePayment called for a ${payment.status} payment`);
}

/**
 * An order with a live payment can be neither cancelled nor expired (both refuse when a payment
 * exists), so it is PENDING here; anything else is a bug, and the transaction rolls back.
 */
async function moveOrder(
  tx: Sql,
  orderId: string,
  to: 'CONFIRMED' | 'FAILED',
  reason: string,
  at: Date,
): Promise<void> {
  const moved = await transitionOrderStatus(tx, {
    orderId,
    from: 'PENDING',
    to,
    reason,
    actor: ACTOR,
    at,
  });
  if (!moved) throw new Error(`order ${orderId} was not PENDING when its payment settled`);
}
