import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { OrderId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';
import type { OrderStatus } from './order.js';

/** `ORDER_TTL` default: an unpaid PENDING order expires after 15 minutes (DESIGN §2). */
export const DEFAULT_ORDER_TTL_MS = 15 * 60 * 1000;

interface ExpiringOrder {
  readonly id: OrderId;
  readonly status: OrderStatus;
  readonly expiresAt: number;
}

/** The instant (epoch ms) at which an order created at `createdAt` expires. */
export function orderExpiresAt(createdAt: number, ttlMs: number = DEFAULT_ORDER_TTL_MS): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`order TTL must be a positive integer of ms, got ${ttlMs}`);
  }
  return createdAt + ttlMs;
}

/** True when a PENDING order has reached its expiry; other states never expire. */
export function isExpired(order: ExpiringOrder, now: number): boolean {
  return order.status === 'PENDING' && now >= order.expiresAt;
}

/**
 * Can this order be paid now? It must be PENDING (`ORDER.NOT_PENDING`) and not past its expiry
 * (`ORDER.EXPIRED`), even if the sweep has not cancelled it yet.
 */
export function checkOrderPayable<O extends ExpiringOrder>(
  order: O,
  now: number,
): Result<O, DomainErrorOf<'ORDER.NOT_PENDING' | 'ORDER.EXPIRED'>> {
  if (order.status !== 'PENDING') {
    return err(domainError('ORDER.NOT_PENDING', { orderId: order.id, status: order.status }));
  }
  if (isExpired(order, now)) {
    return err(domainError('ORDER.EXPIRED', { orderId: order.id, expiredAt: order.expiresAt }));
  }
  return ok(order);
}
