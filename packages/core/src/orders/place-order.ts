import { planStockMoves, type StockMove } from '../inventory/stock.js';
import type { OrderId, UserId } from '../shared/ids.js';
import { ok, type Result } from '../shared/result.js';
import type { CatalogueItem, Order, OrderLineRequest } from './order.js';
import { DEFAULT_ORDER_TTL_MS, orderExpiresAt } from './order-expiry.js';
import { priceOrder, type PriceOrderError } from './price-order.js';

export interface PlaceOrderInput {
  readonly id: OrderId;
  readonly userId: UserId;
  readonly lines: readonly OrderLineRequest[];
  /** The products named by `lines`: read in the creating transaction, or remembered. */
  readonly catalogue: readonly CatalogueItem[];
  /** Epoch ms. */
  readonly now: number;
  readonly ttlMs?: number;
}

/** A new order and the reservation of its stock, written in one transaction. */
export interface OrderPlacement {
  readonly order: Order;
  /** One RESERVE per line, in lock order; the database refuses a line whose stock is short. */
  readonly reservations: readonly StockMove[];
}

/**
 * Decides a new order: validates and prices the lines from the catalogue (the client never sends
 * a price), stamps creation and expiry times, and plans the reservation of every line.
 */
export function placeOrder(input: PlaceOrderInput): Result<OrderPlacement, PriceOrderError> {
  const priced = priceOrder(input.lines, input.catalogue);
  if (!priced.ok) return priced;
  const order: Order = {
    id: input.id,
    userId: input.userId,
    status: 'PENDING',
    lines: priced.value.lines,
    total: priced.value.total,
    createdAt: input.now,
    expiresAt: orderExpiresAt(input.now, input.ttlMs ?? DEFAULT_ORDER_TTL_MS),
  };
  return ok({ order, reservations: planStockMoves('RESERVE', order.lines, 'reserved for order') });
}
