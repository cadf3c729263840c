import { checkOrderAccess, ok, type DomainError, type Result } from '@orders/core';
import {
  findOrderHeader,
  listRefundsForOrder,
  type Database,
  type RefundWithAttempts,
} from '@orders/db';

/**
 * `refunds.list`: an order's refunds with their attempts, oldest first, for its owner or an
 * admin. Another customer's order answers exactly as a missing one (ORDER.NOT_FOUND).
 */
export async function listRefunds(
  db: Database,
  query: { orderId: string; userId: string; isAdmin: boolean },
): Promise<Result<RefundWithAttempts[], DomainError>> {
  return db.snapshot(async (tx) => {
    const access = checkOrderAccess(await findOrderHeader(tx, query.orderId), query);
    if (!access.ok) return access;
    return ok(await listRefundsForOrder(tx, query.orderId));
  });
}
