import {
  asOrderId,
  domainError,
  err,
  ok,
  type DomainError,
  type Order,
  type Result,
} from '@orders/core';
import { findOrderForUser, type Database } from '@orders/db';

/**
 * The caller's order. Another user's order is ORDER.NOT_FOUND, exactly as a missing one is, so
 * an id reveals nothing about orders that are not yours.
 */
export async function getOrder(
  deps: { db: Database },
  input: { userId: string; orderId: string },
): Promise<Result<Order, DomainError>> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  return order
    ? ok(order)
    : err(domainError('ORDER.NOT_FOUND', { orderId: asOrderId(input.orderId) }));
}
