import { beginAttempt, ok, type Order, type PaymentAttempt, type StockLine } from '@orders/core';
import {
  findWholeOrder,
  lockPaymentWithAttempts,
  savePaymentStateStatement,
  type Database,
  type StoredPayment,
} from '@orders/db';

/** What an attempt's start found: nothing to do, a retry not yet due, or an attempt to make. */
export type AttemptStart =
  { readonly kind: 'stop' } | { readonly kind: 'wait'; readonly untilMs: number } | StartedAttempt;

/** An attempt committed as started: the payment PROCESSING and leased to its driver. */
export interface StartedAttempt {
  readonly kind: 'attempt';
  readonly payment: StoredPayment;
  readonly attemptNo: number;
  /** The attempts made before this one. */
  readonly attempts: readonly PaymentAttempt[];
  /** The order's stock lines, which settling the payment commits or releases. */
  readonly lines: readonly StockLine[];
  /** The order as it stands (PENDING): what its event shows once the payment settles it. */
  readonly order: Order;
}

export interface AttemptDeps {
  readonly db: Database;
  readonly now: () => Date;
  /** The driver: this instance's engine. */
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * Starts the next attempt of a payment this driver holds the lease of, in one transaction: the
 * payment (locked) moves to PROCESSING (core's `beginAttempt`; a payment found PROCESSING is a
 * re-drive of the same attempt number) and the lease is renewed. Stops when the payment is final
 * or leased by another driver; waits when its retry is not yet due.
 */
export async function startAttempt(deps: AttemptDeps, paymentId: string): Promise<AttemptStart> {
  const started = await deps.db.transaction<AttemptStart, never>(async (tx) => {
    const locked = await lockPaymentWithAttempts(tx, paymentId);
    if (!locked || locked.payment.leaseOwner !== deps.owner) return ok({ kind: 'stop' } as const);
    const { payment } = locked;
    const attempts = locked.attempts.map((a) => a.attempt);
    const now = deps.now().getTime();
    if (
      payment.status === 'RETRY' &&
      payment.nextAttemptAt !== null &&
      payment.nextAttemptAt > now
    ) {
      return ok({ kind: 'wait', untilMs: payment.nextAttemptAt } as const);
    }
    const begun = beginAttempt(payment, attempts);
    // A final payment has no next attempt: nothing left to drive.
    if (!begun.ok) return ok({ kind: 'stop' } as const);
    const leased = { ...begun.value.payment, leaseUntil: now + deps.leaseMs };
    const [order] = await Promise.all([
      findWholeOrder(tx, payment.orderId),
      tx.run([savePaymentStateStatement(leased, new Date(now))]),
    ]);
    if (order === null) throw new Error(`payment ${payment.id}: its order is missing`);
    const attempt: StartedAttempt = {
      kind: 'attempt',
      payment: leased,
      attemptNo: begun.value.attemptNo,
      attempts,
      lines: stockLinesOf(order),
      order,
    };
    return ok(attempt);
  });
  if (!started.ok) throw new Error('starting an attempt has no refusals');
  return started.value;
}

/** What settling an order's payment moves: each line's product and quantity. */
export function stockLinesOf(order: Order): StockLine[] {
  return order.lines.map(({ productId, sku, quantity }) => ({ productId, sku, quantity }));
}
