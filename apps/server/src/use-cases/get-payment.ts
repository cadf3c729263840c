import {
  asOrderId,
  checkOrderAccess,
  err,
  ok,
  type DomainError,
  type OrderStatus,
  type PaymentAttempt,
  type Result,
} from '@orders/core';
import {
  findOrderHeader,
  findPaymentByOrder,
  listAttempts,
  listRefundsForOrder,
  type Database,
  type RefundWithAttempts,
  type Sql,
  type StoredPayment,
} from '@orders/db';

/** A payment with its attempts, its refunds and its order's status: what pay and get return. */
export interface PaymentView {
  readonly payment: StoredPayment;
  readonly attempts: readonly PaymentAttempt[];
  readonly order: { readonly id: string; readonly status: OrderStatus };
  /** The payment's refunds with their attempts, oldest first. */
  readonly refunds: readonly RefundWithAttempts[];
}

/**
 * The payment of an order, for its owner (or an admin). Someone else's order answers exactly as a
 * missing payment does, so ids reveal nothing.
 */
export function getPaymentView(
  db: Database,
  query: { orderId: string; userId: string; isAdmin?: boolean },
): Promise<PaymentView | null> {
  return db.snapshot((snapshot) => readPaymentView(snapshot, query));
}

/** {@link getPaymentView} inside a caller's snapshot. */
export async function readPaymentView(
  tx: Sql,
  query: { orderId: string; userId: string; isAdmin?: boolean },
): Promise<PaymentView | null> {
  const access = checkOrderAccess(await findOrderHeader(tx, query.orderId), query);
  if (!access.ok) return null;
  const order = access.value;
  const payment = await findPaymentByOrder(tx, query.orderId);
  if (!payment) return null;
  const [attempts, refunds] = await Promise.all([
    listAttempts(tx, payment.id),
    listRefundsForOrder(tx, query.orderId),
  ]);
  return {
    payment,
    attempts: attempts.map((a) => a.attempt),
    order: { id: order.id, status: order.status },
    refunds,
  };
}

/** `payments.get`: the payment of the caller's order (any order for an admin). */
export async function getPayment(
  db: Database,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<PaymentView, DomainError>> {
  const view = await getPaymentView(db, query);
  return view ? ok(view) : err({ code: 'PAYMENT.NOT_FOUND', orderId: asOrderId(query.orderId) });
}
