import type { FraudAssessment } from '../fraud/assess-fraud.js';
import type { CardSummary } from '../gateway/card-validation.js';
import { GENESIS_HASH } from '../ledger/hash-chain.js';
import { checkOrderPayable } from '../orders/order-expiry.js';
import type { Order } from '../orders/order.js';
import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { PaymentId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Payment, PaymentStatus } from './payment.js';
import { transitionPayment } from './payment-transitions.js';

export interface InitiatePaymentInput {
  readonly id: PaymentId;
  readonly order: Pick<Order, 'id' | 'userId' | 'status' | 'total' | 'expiresAt'>;
  /** The order's payment if it already has one (at most one payment per order). */
  readonly existingPayment: { readonly id: PaymentId; readonly status: PaymentStatus } | null;
  readonly card: CardSummary;
  readonly fraud: FraudAssessment;
  /** Epoch ms. */
  readonly now: number;
}

export type InitiatePaymentError = DomainErrorOf<
  'PAYMENT.ALREADY_PAID' | 'ORDER.NOT_PENDING' | 'ORDER.EXPIRED' | 'PAYMENT.INVALID_AMOUNT'
>;

/**
 * Creates the payment for an order: the amount is the order's total (the client never sends
 * one). A REJECT fraud verdict ends it at once — INITIATED → FAILED_FINAL with `FRAUD_REJECTED`,
 * no gateway attempt — otherwise it is INITIATED and ready for its first attempt.
 */
export function initiatePayment(
  input: InitiatePaymentInput,
): Result<Payment, InitiatePaymentError> {
  const { order, existingPayment } = input;
  if (existingPayment) {
    return err(
      domainError('PAYMENT.ALREADY_PAID', {
        orderId: order.id,
        paymentId: existingPayment.id,
        status: existingPayment.status,
      }),
    );
  }
  const payable = checkOrderPayable(order, input.now);
  if (!payable.ok) return payable;
  if (order.total.amountCents <= 0) {
    return err(domainError('PAYMENT.INVALID_AMOUNT', { amountCents: order.total.amountCents }));
  }

  const payment: Payment = {
    id: input.id,
    orderId: order.id,
    userId: order.userId,
    status: 'INITIATED',
    amount: order.total,
    failureCode: null,
    card: input.card,
    fraud: input.fraud,
    nextAttemptAt: null,
    chainHead: GENESIS_HASH,
    createdAt: input.now,
  };
  if (input.fraud.verdict !== 'REJECT') return ok(payment);
  const rejected = transitionPayment(payment, 'FAILED_FINAL');
  // INITIATED → FAILED_FINAL is in the table; a failure here would be a bug in the table.
  if (!rejected.ok) throw new Error(`fraud rejection refused: ${rejected.error.code}`);
  return ok({ ...rejected.value, failureCode: 'FRAUD_REJECTED' });
}
