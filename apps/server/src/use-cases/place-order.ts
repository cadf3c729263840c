import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asSku,
  asUserId,
  decideIdempotency,
  ok,
  placeOrder,
  requestFingerprint,
  type DomainError,
  type Order,
  type OrderLineRequest,
  type Result,
} from '@orders/core';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findOrderForUser,
  findProductsBySkus,
  insertOrder,
  reserveOrderStock,
  retryTransient,
  runInTransaction,
  type EntityManager,
} from '@orders/db';

/** The idempotency scope of `orders.create` keys. */
export const PLACE_ORDER_SCOPE = 'orders.create';

export interface PlaceOrderRequest {
  readonly userId: string;
  /** SKUs and quantities only: prices come from the catalogue, never from the client. */
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
  readonly idempotencyKey?: string | undefined;
}

export interface PlaceOrderDeps {
  readonly em: EntityManager;
  readonly now: Date;
  readonly orderTtlMs: number;
}

/**
 * Places a PENDING order for the caller: core prices the lines from the catalogue and decides;
 * then ONE transaction inserts the order, its lines and its first event and reserves the stock.
 * Any refusal (unknown SKU, insufficient stock, a reused key) rolls it all back. With an
 * idempotency key, the key is claimed and completed in that same transaction: a repeat of the
 * request returns the order it created, a different request under the key is KEY_REUSED.
 */
export async function placeOrderForUser(
  deps: PlaceOrderDeps,
  request: PlaceOrderRequest,
): Promise<Result<Order, DomainError>> {
  const lines: OrderLineRequest[] = request.items.map((item) => ({
    sku: asSku(item.sku),
    quantity: item.quantity,
  }));
  const { userId, idempotencyKey } = request;
  const claim =
    idempotencyKey === undefined
      ? undefined
      : {
          userId,
          scope: PLACE_ORDER_SCOPE,
          key: idempotencyKey,
          requestHash: requestFingerprint(PLACE_ORDER_SCOPE, lines),
        };

  return retryTransient(() =>
    runInTransaction(deps.em, async (em): Promise<Result<Order, DomainError>> => {
      if (claim !== undefined) {
        const claimed = await claimIdempotencyKey(em, { ...claim, at: deps.now });
        if (!claimed.claimed) return replay(em, claim, claimed.record);
      }
      const catalogue = await findProductsBySkus(em, [...new Set(lines.map((l) => l.sku))]);
      const decided = placeOrder({
        id: asOrderId(randomUUID()),
        userId: asUserId(userId),
        lines,
        catalogue,
        now: deps.now.getTime(),
        ttlMs: deps.orderTtlMs,
      });
      if (!decided.ok) return decided;
      const order = decided.value;
      await insertOrder(em, order);
      const actor = `user:${userId}`;
      const reserved = await reserveOrderStock(em, {
        orderId: order.id,
        lines: order.lines,
        actor,
        at: deps.now,
      });
      if (!reserved.ok) return reserved;
      if (claim !== undefined) await completeIdempotencyKey(em, { ...claim, resourceId: order.id });
      return ok(order);
    }),
  );
}

async function replay(
  em: EntityManager,
  claim: { userId: string; key: string; requestHash: string },
  record: { requestHash: string; state: 'IN_PROGRESS' | 'COMPLETED'; resourceId: string | null },
): Promise<Result<Order, DomainError>> {
  const decision = decideIdempotency({ key: claim.key, ...record }, claim.requestHash);
  if (!decision.ok) return decision;
  // COMPLETED is written with the order in one transaction, so the order is there.
  const order =
    record.resourceId === null ? null : await findOrderForUser(em, record.resourceId, claim.userId);
  if (order === null) throw new Error(`idempotency key ${claim.key} completed without an order`);
  return ok(order);
}
