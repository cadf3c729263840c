import { appendToPaymentChain, buildCaptureEntry, journalChainRecord } from '@orders/core';
import {
  commitOrderStock,
  insertJournalEntry,
  releaseOrderStock,
  transitionOrderStatus,
  type Sql,
  type StockLine,
  type StoredPayment,
} from '@orders/db';

const ACTOR = 'payment-engine';

/**
 * A final payment and its consequences, in the caller's transaction: the payment's row, written
 * by `save` (with whatever the caller writes along with it; first, so that its failure is the
 * one reported), and — SUCCESS — the order
 * confirmed, its stock committed and the capture posted, or — FAILED_FINAL — the order failed
 * and its stock released. The statements all go out before the returned promise, together (one
 * round trip), each failing itself if what it changes is not as expected, so the caller may send
 * COMMIT right behind them. Returns the payment as saved, its chain head past the capture entry.
 */
export async function settlePayment(
  tx: Sql,
  payment: StoredPayment,
  at: Date,
  how: {
    readonly save: (payment: StoredPayment) => Promise<void>;
    /** The order's stock lines: every statement goes out before this returns its promise. */
    readonly lines: readonly StockLine[];
  },
): Promise<StoredPayment> {
  const orderId = payment.orderId;
  const stock = { orderId, actor: ACTOR, at, lines: how.lines };
  if (payment.status === 'SUCCESS') {
    const entry = buildCaptureEntry(payment.id, payment.amount);
    const chained = appendToPaymentChain(payment, journalChainRecord(entry));
    await Promise.all([
      how.save(chained.payment),
      moveOrder(tx, orderId, 'CONFIRMED', 'payment succeeded', at),
      commitOrderStock(tx, stock),
      insertJournalEntry(tx, entry, chained.link, at),
    ]);
    return chained.payment;
  }
  if (payment.status === 'FAILED_FINAL') {
    const reason = `payment failed: ${payment.failureCode ?? 'unknown'}`;
    await Promise.all([
      how.save(payment),
      moveOrder(tx, orderId, 'FAILED', reason, at),
      releaseOrderStock(tx, { ...stock, reason }),
    ]);
    return payment;
  }
  throw new Error(`settlePayment called for a ${payment.status} payment`);
}

/**
 * An order with a live payment can be neither cancelled nor expired (both refuse when a payment
 * exists), so it is PENDING here; anything else is a bug, and the move's statement fails.
 */
function moveOrder(
  tx: Sql,
  orderId: string,
  to: 'CONFIRMED' | 'FAILED',
  reason: string,
  at: Date,
): Promise<void> {
  return transitionOrderStatus(tx, { orderId, from: 'PENDING', to, reason, actor: ACTOR, at });
}
