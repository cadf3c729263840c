import type { StockLine } from '../inventory/stock.js';
import type { OrderStatus } from '../orders/order.js';
import type { PaymentStatus } from '../payments/payment.js';
import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { OrderId, PaymentId, RefundId, Sku, UserId } from '../shared/ids.js';
import { money, type Money } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Refund, RefundReason, RefundStatus, RestockLine } from './refund.js';
import { transitionRefund } from './refund-transitions.js';

/** What an admin asks for (DESIGN §3 `refunds.create`). */
export interface RefundRequest {
  /** Omitted: what is still refundable. */
  readonly amountCents?: number | undefined;
  readonly reason: RefundReason;
  readonly note?: string | null | undefined;
  readonly restock?: readonly { readonly sku: Sku; readonly quantity: number }[] | undefined;
}

/** The refunds of a payment, as far as the cap and the restock limit go. */
export interface RefundHold {
  readonly amount: Money;
  readonly status: RefundStatus;
  readonly restock: readonly RestockLine[];
}

/** What deciding a refund reads, under the order's lock. */
export interface RefundSubject {
  readonly order: {
    readonly id: OrderId;
    readonly userId: UserId;
    readonly status: OrderStatus;
    readonly lines: readonly StockLine[];
  };
  /** The order's payment; null when it has none. */
  readonly payment: {
    readonly id: PaymentId;
    readonly status: PaymentStatus;
    readonly amount: Money;
  } | null;
  /** The payment's refunds so far. */
  readonly refunds: readonly RefundHold[];
}

export type RefundDecisionError = DomainErrorOf<
  | 'REFUND.NOT_REFUNDABLE'
  | 'REFUND.AMOUNT_EXCEEDS_REFUNDABLE'
  | 'REFUND.INVALID_AMOUNT'
  | 'REFUND.INVALID_RESTOCK'
>;

/** A new refund, already PROCESSING its first attempt, which follows the commit. */
export interface RefundCreation {
  readonly refund: Refund;
  readonly attemptNo: number;
}

/** The states of an order whose payment succeeded: the only orders that are refunded. */
const PAID_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'CONFIRMED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
]);

/** Refunds that still count: every refund but a FAILED one holds its amount and restock. */
const holds = (refund: RefundHold) => refund.status !== 'FAILED';

/** The capture less every refund not FAILED (DESIGN §2 Refunds: the cap). */
export function refundableCents(captured: Money, refunds: readonly RefundHold[]): number {
  const held = refunds.filter(holds).reduce((sum, r) => sum + r.amount.amountCents, 0);
  return Math.max(0, captured.amountCents - held);
}

/** What a refund may restock of a line: what the order bought less what other refunds restock. */
export function restockableQuantity(line: StockLine, refunds: readonly RefundHold[]): number {
  const held = refunds
    .filter(holds)
    .flatMap((r) => r.restock)
    .filter((r) => r.productId === line.productId)
    .reduce((sum, r) => sum + r.quantity, 0);
  return Math.max(0, line.quantity - held);
}

/**
 * Decides a refund of an order's payment (DESIGN §2 Refunds): the payment must be SUCCESS (an
 * unpaid order is cancelled, not refunded), the amount positive and at most what is still
 * refundable (by default all of it; nothing, once the order is REFUNDED), each restocked SKU a
 * line of the order and at most what it bought less what other refunds restock. The refund's
 * amount and restock are then held — the database holds them again under concurrency — until it
 * ends.
 */
export function decideRefund(
  subject: RefundSubject,
  request: RefundRequest,
  created: { readonly id: RefundId; readonly now: number },
): Result<RefundCreation, RefundDecisionError> {
  const { order, payment, refunds } = subject;
  if (payment === null || payment.status !== 'SUCCESS' || !PAID_ORDER_STATUSES.has(order.status)) {
    return err(
      domainError('REFUND.NOT_REFUNDABLE', {
        orderId: order.id,
        orderStatus: order.status,
        paymentStatus: payment?.status ?? null,
      }),
    );
  }
  // A REFUNDED order gave its whole capture back: a refund of it is over the cap, nothing left
  // (NOT_REFUNDABLE is for a payment that did not succeed). The order's word, not the holds', so
  // no refund can ever try to move an order on from REFUNDED.
  const refundable = order.status === 'REFUNDED' ? 0 : refundableCents(payment.amount, refunds);
  const amountCents = request.amountCents ?? refundable;
  if (
    request.amountCents !== undefined &&
    (!Number.isSafeInteger(amountCents) || amountCents <= 0)
  ) {
    return err(domainError('REFUND.INVALID_AMOUNT', { amountCents }));
  }
  if (amountCents <= 0 || amountCents > refundable) {
    return err(
      domainError('REFUND.AMOUNT_EXCEEDS_REFUNDABLE', {
        orderId: order.id,
        requestedCents: amountCents,
        refundableCents: refundable,
        currency: payment.amount.currency,
      }),
    );
  }
  const restock = decideRestock(order.lines, refunds, request.restock ?? []);
  if (!restock.ok) return restock;

  const pending: Refund = {
    id: created.id,
    paymentId: payment.id,
    orderId: order.id,
    userId: order.userId,
    amount: money(amountCents, payment.amount.currency),
    reason: request.reason,
    note: request.note ?? null,
    status: 'PENDING',
    failureCode: null,
    restock: restock.value,
    nextAttemptAt: null,
    createdAt: created.now,
    settledAt: null,
  };
  const started = transitionRefund(pending, 'PROCESSING');
  // PENDING → PROCESSING is in the table; a refusal would be a bug in the table.
  if (!started.ok) throw new Error(`a new refund cannot start: ${started.error.code}`);
  return ok({ refund: started.value, attemptNo: 1 });
}

function decideRestock(
  lines: readonly StockLine[],
  refunds: readonly RefundHold[],
  requested: readonly { readonly sku: Sku; readonly quantity: number }[],
): Result<RestockLine[], DomainErrorOf<'REFUND.INVALID_RESTOCK'>> {
  const wanted = new Map<Sku, number>();
  for (const { sku, quantity } of requested) wanted.set(sku, (wanted.get(sku) ?? 0) + quantity);
  const restock: RestockLine[] = [];
  for (const [sku, quantity] of wanted) {
    const line = lines.find((l) => l.sku === sku);
    const restockable = line === undefined ? 0 : restockableQuantity(line, refunds);
    if (
      line === undefined ||
      !Number.isSafeInteger(quantity) ||
      quantity <= 0 ||
      quantity > restockable
    ) {
      return err(domainError('REFUND.INVALID_RESTOCK', { sku, requested: quantity, restockable }));
    }
    restock.push({ productId: line.productId, sku, quantity });
  }
  return ok(restock);
}
