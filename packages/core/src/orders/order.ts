import type { OrderId, ProductId, Sku, UserId } from '../shared/ids.js';
import type { Currency, Money } from '../shared/money.js';

/** Every state an order can be in (DESIGN §2 Orders). */
export const ORDER_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'FAILED',
  'CANCELLED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Bounds on what a client may order (DESIGN §2: 1–50 lines, quantity 1..1000). */
export const ORDER_LIMITS = {
  minLines: 1,
  maxLines: 50,
  minQuantity: 1,
  maxQuantity: 1000,
} as const;

/** What the client asks for: a SKU and a quantity, never a price. */
export interface OrderLineRequest {
  readonly sku: Sku;
  readonly quantity: number;
}

/** One product as the server loaded it from the catalogue when the order was placed. */
export interface CatalogueItem {
  readonly productId: ProductId;
  readonly sku: Sku;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: Currency;
}

/** A line priced from the catalogue snapshot; prices are frozen into the order. */
export interface OrderLine {
  readonly productId: ProductId;
  readonly sku: Sku;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

/**
 * An order as the core sees it. Instants (`createdAt`, `expiresAt`) are epoch milliseconds,
 * like every instant in the core.
 */
export interface Order {
  readonly id: OrderId;
  readonly userId: UserId;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly total: Money;
  readonly createdAt: number;
  readonly expiresAt: number;
}
