import { randomUUID } from 'node:crypto';
import {
  asRefundId,
  DEFAULT_RETRY_POLICY,
  money,
  settleRefundAttempt,
  type Order,
  type Sku,
} from '@orders/core';
import type { Database } from '../database.js';
import type { StoredPayment } from '../payments/payment.mapper.js';
import type { LeaseLost } from '../payments/payment.repository.js';
import type { StockShortage } from '../inventory/stock-moves.js';
import {
  lockRefundForAttempt,
  recordRefundAttemptStatements,
} from '../refunds/refund-attempt.repository.js';
import type { StoredRefund } from '../refunds/refund.mapper.js';

/** The engine these fixtures' refunds are leased to. */
export const REFUND_DRIVER = 'test-refund-driver';

/**
 * A refund of `amountCents` of the order's payment, restocking `restock`, PROCESSING its first
 * attempt under {@link REFUND_DRIVER} — written as given, with no core deciding whether it fits:
 * what the database alone makes of it is what the tests ask.
 */
export function refundOf(
  order: Order,
  payment: StoredPayment,
  amountCents: number,
  restock: readonly { readonly sku: Sku; readonly quantity: number }[] = [],
): StoredRefund {
  const now = Date.now();
  return {
    id: asRefundId(randomUUID()),
    paymentId: payment.id,
    orderId: order.id,
    userId: order.userId,
    amount: money(amountCents, payment.amount.currency),
    reason: 'other',
    note: null,
    status: 'PROCESSING',
    failureCode: null,
    restock: restock.map(({ sku, quantity }) => {
      const line = order.lines.find((l) => l.sku === sku);
      if (line === undefined) throw new Error(`order ${order.id} has no line ${sku}`);
      return { productId: line.productId, sku, quantity };
    }),
    nextAttemptAt: null,
    createdAt: now,
    settledAt: null,
    leaseOwner: REFUND_DRIVER,
    leaseUntil: now + 60_000,
  };
}

/**
 * Ends a refund FAILED as the engine records a declined attempt: locked, settled by core
 * (`refund_failed`, never retried), and written by `recordRefundAttemptStatements`, whose
 * conclusion gives its held amount and restock back. Throws if the refund is not PROCESSING
 * under {@link REFUND_DRIVER}.
 */
export async function failTestRefund(db: Database, refundId: string): Promise<void> {
  const at = new Date();
  const recorded = await db.transaction<undefined, LeaseLost | StockShortage>(async (tx) => {
    const locked = await lockRefundForAttempt(tx, refundId);
    if (locked === null) throw new Error(`no refund ${refundId}`);
    const settled = settleRefundAttempt({
      refund: locked.refund,
      attempts: locked.attempts,
      outcome: { outcome: 'DECLINED', code: 'refund_failed' },
      latencyMs: 1,
      now: at.getTime(),
      policy: DEFAULT_RETRY_POLICY,
      random: () => 0.5,
      payment: {
        id: locked.refund.paymentId,
        amount: locked.payment.amount,
        chainHead: locked.payment.chainHead,
      },
      order: { id: locked.refund.orderId, status: locked.orderStatus },
      refundedCents: locked.payment.refundedCents,
    });
    if (!settled.ok) throw new Error(`refund ${refundId} not settled: ${settled.error.code}`);
    const { attempt, attemptLink, chainHead, conclusion } = settled.value;
    return tx.commitWith(
      recordRefundAttemptStatements({
        attempt,
        attemptLink,
        refund: { ...settled.value.refund, leaseOwner: null, leaseUntil: null },
        chainHead,
        conclusion,
        leaseOwner: REFUND_DRIVER,
        at,
      }),
    );
  });
  if (!recorded.ok) throw new Error(`refund ${refundId} not failed: ${recorded.error.kind}`);
}

/** What a payment's refunds hold in the database: cents, units per SKU, and refund rows. */
export interface StoredHolds {
  readonly heldCents: number;
  readonly restockHeld: Readonly<Record<string, number>>;
  readonly refunds: number;
}

export async function holdsOf(db: Database, payment: StoredPayment): Promise<StoredHolds> {
  const [held, lines, refunds] = await Promise.all([
    db.execute<{ held: number }[]>(
      'select refund_held_cents::integer as held from payments where id = ?',
      [payment.id],
    ),
    db.execute<{ sku: string; restock_held: number }[]>(
      'select sku, restock_held from order_lines where order_id = ? order by line_no',
      [payment.orderId],
    ),
    db.execute<{ n: number }[]>('select count(*)::integer as n from refunds where payment_id = ?', [
      payment.id,
    ]),
  ]);
  return {
    heldCents: held[0]?.held ?? -1,
    restockHeld: Object.fromEntries(lines.map((l) => [l.sku, l.restock_held])),
    refunds: refunds[0]?.n ?? -1,
  };
}
