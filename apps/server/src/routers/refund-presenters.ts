import type { RefundWithAttempts } from '@orders/db';

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** The public refund shape (DESIGN §2 Refunds): whitelisted fields, cents, ISO-8601 times. */
export function presentRefund({ refund, attempts }: RefundWithAttempts) {
  return {
    id: refund.id,
    paymentId: refund.paymentId,
    orderId: refund.orderId,
    amountCents: refund.amount.amountCents,
    currency: refund.amount.currency,
    reason: refund.reason,
    note: refund.note,
    status: refund.status,
    failureCode: refund.failureCode,
    attempts: attempts.map((a) => ({
      number: a.number,
      outcome: a.outcome,
      code: a.code,
      latencyMs: a.latencyMs,
      at: iso(a.at),
    })),
    restock: refund.restock.map(({ sku, quantity }) => ({ sku, quantity })),
    createdAt: iso(refund.createdAt),
    settledAt: refund.settledAt === null ? null : iso(refund.settledAt),
  };
}
