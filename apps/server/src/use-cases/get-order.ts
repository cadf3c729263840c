import { checkOrderAccess, type DomainError, type Order, type Result } from '@orders/core';
import { findOrderById, type Database } from '@orders/db';

/**
 * The caller's order. Another user's order is ORDER.NOT_FOUND, exactly as a missing one is, so
 * an id reveals nothing about orders that are not yours (`checkOrderAccess`).
 */
export async function getOrder(
  deps: { db: Database },
  input: { userId: string; orderId: string },
): Promise<Result<Order, DomainError>> {
  return checkOrderAccess(await findOrderById(deps.db, input.orderId), input);
}
