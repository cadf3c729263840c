import type { Order, OrderStatus, Product } from '@orders/core';
import type { OrderPage, UserRecord } from '@orders/db';

/** The public shape of a user (DESIGN §3): fields are whitelisted, never spread from a row. */
export interface UserDto {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'CUSTOMER' | 'ADMIN';
  readonly createdAt: string;
}

export function presentUser(user: UserRecord): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

/** The public shape of a product (DESIGN §3). */
export interface ProductDto {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

export function presentProduct(product: Product): ProductDto {
  return {
    sku: product.sku,
    name: product.name,
    priceCents: product.priceCents,
    currency: product.currency,
    onHand: product.onHand,
    reserved: product.reserved,
    available: product.onHand - product.reserved,
  };
}

/** The public shape of an order (DESIGN §3): no user or product ids, times as ISO strings. */
export interface OrderDto {
  readonly id: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly totalCents: number;
  // Mutable, as in the output schema (output-schemas.ts) that tRPC checks this against.
  readonly lines: {
    readonly sku: string;
    readonly name: string;
    readonly quantity: number;
    readonly unitPriceCents: number;
    readonly lineTotalCents: number;
  }[];
  readonly createdAt: string;
  readonly expiresAt: string;
}

export function presentOrder(order: Order): OrderDto {
  return {
    id: order.id,
    status: order.status,
    currency: order.total.currency,
    totalCents: order.total.amountCents,
    lines: order.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      lineTotalCents: line.lineTotalCents,
    })),
    createdAt: new Date(order.createdAt).toISOString(),
    expiresAt: new Date(order.expiresAt).toISOString(),
  };
}

export function presentOrderPage(page: OrderPage): {
  items: OrderDto[];
  nextCursor: string | null;
} {
  return { items: page.items.map(presentOrder), nextCursor: page.nextCursor };
}
