import type { OrderId, UserId } from '../shared/ids.js';
import { ok, type Result } from '../shared/result.js';
import type { CatalogueItem, Order, OrderLineRequest } from './order.js';
import { DEFAULT_ORDER_TTL_MS, orderExpiresAt } from './order-expiry.js';
import { priceOrder, type PriceOrderError } from './price-order.js';

export interface PlaceOrderInput {
  readonly id: OrderId;
  readonly userId: UserId;
  readonly lines: readonly OrderLineRequest[];
  /** The products named by `lines`, as loaded in the creating transaction. */
  readonly catalogue: readonly CatalogueItem[];
  /** Epoch ms. */
  readonly now: number;
  readonly ttlMs?: number;
}

/**
 * Decides a new order: validates and prices the lines, and stamps creation and expiry times.
 * The result is PENDING; the caller reserves its stock (in lock order) in the same transaction.
 */
export function placeOrder(input: PlaceOrderInput): Result<Order, PriceOrderError> {
  const priced = priceOrder(input.lines, input.catalogue);
  if (!priced.ok) return priced;
  return ok({
    id: input.id,
    userId: input.userId,
    status: 'PENDING',
    lines: priced.value.lines,
    total: priced.value.total,
    createdAt: input.now,
    expiresAt: orderExpiresAt(input.now, input.ttlMs ?? DEFAULT_ORDER_TTL_MS),
  });
}
