import type { StockLine } from '../inventory/stock.js';
import { ok, type Result } from '../shared/result.js';
import { concludePayment, type PaymentConclusion } from './conclude-payment.js';
import {
  initiatePayment,
  type InitiatePaymentError,
  type InitiatePaymentInput,
} from './initiate-payment.js';
import type { Payment } from './payment.js';
import { beginAttempt } from './run-attempt.js';

/** A new payment as `payments.pay` writes it. */
export type PaymentCreation =
  /** Fraud rejected it: FAILED_FINAL at once, with its conclusion (order FAILED, stock released). */
  | { readonly kind: 'rejected'; readonly conclusion: PaymentConclusion<Payment> }
  /** Already PROCESSING its first attempt, which follows the commit. */
  | { readonly kind: 'started'; readonly payment: Payment; readonly attemptNo: number };

/**
 * Decides an order's payment (`initiatePayment`) and what is written with it: a fraud rejection
 * concludes it on the spot; otherwise its first attempt starts in the same transaction, so the
 * gateway call follows the commit with no transaction of its own to start it.
 */
export function decidePayment(
  input: InitiatePaymentInput & { readonly lines: readonly StockLine[] },
): Result<PaymentCreation, InitiatePaymentError> {
  const initiated = initiatePayment(input);
  if (!initiated.ok) return initiated;
  const payment = initiated.value;
  if (payment.status === 'FAILED_FINAL') {
    return ok({ kind: 'rejected', conclusion: concludePayment(payment, input.lines) });
  }
  const begun = beginAttempt(payment, []);
  // INITIATED → PROCESSING is in the table; a refusal would be a bug in the table.
  if (!begun.ok) throw new Error(`a new payment cannot start: ${begun.error.code}`);
  return ok({ kind: 'started', payment: begun.value.payment, attemptNo: begun.value.attemptNo });
}
