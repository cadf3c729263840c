import { ok, type DomainError, type OrderStatus, type Result } from '@orders/core';
import { listOrdersForUser, type Database, type OrderPage } from '@orders/db';

// A cursor is the listing's to define: the router checks `cursor` with it (400).
export { isOrderCursor } from '@orders/db';

export interface ListOrdersInput {
  readonly userId: string;
  readonly status?: OrderStatus | undefined;
  /** From a previous page's `nextCursor` (validated by the router). */
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/** The caller's orders, newest first, one page at a time. */
export async function listOrders(
  deps: { db: Database },
  input: ListOrdersInput,
): Promise<Result<OrderPage, DomainError>> {
  const { userId, ...page } = input;
  return ok(await listOrdersForUser(deps.db, userId, page));
}
