import { planStockMoves, type StockLine, type StockMove } from '../inventory/stock.js';
import { appendToPaymentChain, journalChainRecord, type ChainLink } from '../ledger/hash-chain.js';
import { buildCaptureEntry, type JournalEntry } from '../ledger/journal.js';
import type { OrderTransition } from '../orders/order-transitions.js';
import type { Payment } from './payment.js';

/**
 * What a payment's final state writes besides the payment, in the same transaction (DESIGN §2
 * Payments): SUCCESS confirms the order, ships its reserved stock and posts the capture;
 * FAILED_FINAL fails the order and releases its stock.
 */
export interface PaymentConclusion<P extends Payment> {
  /** The payment, its chain head past the capture entry when there is one. */
  readonly payment: P;
  readonly transition: OrderTransition;
  readonly stock: readonly StockMove[];
  /** The capture entry and its link in the payment's chain; null unless SUCCESS. */
  readonly capture: { readonly entry: JournalEntry; readonly link: ChainLink } | null;
}

const ACTOR = 'payment-engine';

/**
 * The conclusion of a payment that has just reached SUCCESS or FAILED_FINAL. Its order is PENDING:
 * an order with a payment can be neither cancelled nor expired (`decideCancellation`), so only the
 * payment moves it.
 */
export function concludePayment<P extends Payment>(
  payment: P,
  lines: readonly StockLine[],
): PaymentConclusion<P> {
  const { orderId } = payment;
  if (payment.status === 'SUCCESS') {
    const entry = buildCaptureEntry(payment.id, payment.amount);
    const chained = appendToPaymentChain(payment, journalChainRecord(entry));
    return {
      payment: chained.payment,
      transition: {
        orderId,
        from: 'PENDING',
        to: 'CONFIRMED',
        reason: 'payment succeeded',
        actor: ACTOR,
      },
      stock: planStockMoves('COMMIT', lines, 'order confirmed'),
      capture: { entry, link: chained.link },
    };
  }
  if (payment.status === 'FAILED_FINAL') {
    const reason = `payment failed: ${payment.failureCode ?? 'unknown'}`;
    return {
      payment,
      transition: { orderId, from: 'PENDING', to: 'FAILED', reason, actor: ACTOR },
      stock: planStockMoves('RELEASE', lines, reason),
      capture: null,
    };
  }
  throw new Error(`a ${payment.status} payment has no conclusion yet`);
}
