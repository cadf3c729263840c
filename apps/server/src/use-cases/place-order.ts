import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asSku,
  asUserId,
  decideIdempotency,
  err,
  ok,
  placeOrder,
  requestFingerprint,
  type CatalogueItem,
  type DomainError,
  type Order,
  type OrderId,
  type OrderLineRequest,
  type Result,
} from '@orders/core';
import {
  claimIdempotencyKey,
  findOrderForUser,
  findProductsBySkus,
  insertOrder,
  insufficientStock,
  reserveOrderStock,
  retryTransient,
  runInTransaction,
  StockShortage,
  type Database,
  type Sql,
} from '@orders/db';
import type { CatalogueMemory } from './catalogue-memory.js';

/** The idempotency scope of `orders.create` keys. */
export const PLACE_ORDER_SCOPE = 'orders.create';

export interface PlaceOrderRequest {
  readonly userId: string;
  /** SKUs and quantities only: prices come from the catalogue, never from the client. */
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
  readonly idempotencyKey?: string | undefined;
}

export interface PlaceOrderDeps {
  readonly db: Database;
  readonly now: Date;
  readonly orderTtlMs: number;
  /** Products this instance has read; an order of only those is priced without reading them. */
  readonly catalogue: CatalogueMemory;
}

/**
 * Places a PENDING order for the caller: core prices the lines from the catalogue and decides;
 * then ONE transaction inserts the order, its lines and its first event and reserves the stock.
 * Any refusal (unknown SKU, insufficient stock, a reused key) rolls it all back. With an
 * idempotency key, the key is claimed (as completed) in that same transaction: a repeat of the
 * request returns the order it created, a different request under the key is KEY_REUSED.
 * Without a key, an order of products this instance remembers (`deps.catalogue`) is priced from
 * memory; if that transaction refuses, the order is placed again from a fresh read, which decides.
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

  const orderId = asOrderId(randomUUID());
  const skus = [...new Set(lines.map((l) => l.sku))];
  const input = { claim, lines, orderId, userId, skus };

  // An order of remembered products goes out in one round trip; not with a key, whose claim
  // must answer before anything is written.
  const remembered = claim === undefined ? deps.catalogue.recall(skus) : undefined;
  if (remembered !== undefined) {
    const placed = await retryTransient(() => placeIn(deps, { ...input, remembered })).catch(
      (error: unknown) => {
        if (error instanceof StockShortage) return undefined;
        throw error;
      },
    );
    if (placed?.ok === true) return placed;
    // Refused: short, or priced from a product that has changed since. A fresh read decides.
    deps.catalogue.forget(skus);
  }
  try {
    return await retryTransient(() => placeIn(deps, input));
  } catch (error) {
    // The transaction rolled back; what is available now goes in the answer.
    if (error instanceof StockShortage) return err(await insufficientStock(deps.db, error));
    throw error;
  }
}

/**
 * The transaction, in two round trips: [BEGIN, key, catalogue], then [order, reservations, COMMIT];
 * in one, [BEGIN, order, reservations, COMMIT], when priced from `remembered` products. A short
 * line (or a remembered product that has changed) fails its reservation's statement, so COMMIT
 * rolls everything back; the promise then rejects with a StockShortage.
 */
function placeIn(
  deps: PlaceOrderDeps,
  input: {
    claim: { userId: string; scope: string; key: string; requestHash: string } | undefined;
    lines: readonly OrderLineRequest[];
    orderId: OrderId;
    userId: string;
    skus: readonly string[];
    remembered?: readonly CatalogueItem[];
  },
): Promise<Result<Order, DomainError>> {
  const { claim, lines, orderId, userId, remembered } = input;
  return runInTransaction(deps.db, async (tx): Promise<Result<Order, DomainError>> => {
    let catalogue = remembered;
    if (catalogue === undefined) {
      // One round trip: the key's claim (stored COMPLETED with the order's id, so it commits
      // with the order or not at all) and the catalogue read.
      const [claimed, read] = await Promise.all([
        claim && claimIdempotencyKey(tx, { ...claim, resourceId: orderId, at: deps.now }),
        findProductsBySkus(tx, input.skus),
      ]);
      if (claim !== undefined && claimed?.claimed === false) {
        return replay(tx, claim, claimed.record);
      }
      deps.catalogue.remember(read);
      catalogue = read;
    }
    const decided = placeOrder({
      id: orderId,
      userId: asUserId(userId),
      lines,
      catalogue,
      now: deps.now.getTime(),
      ttlMs: deps.orderTtlMs,
    });
    if (!decided.ok) return decided;
    const order = decided.value;
    const actor = `user:${userId}`;
    // The order's rows, its reservations and COMMIT go out together.
    await Promise.all([
      insertOrder(tx, order),
      reserveOrderStock(tx, {
        orderId: order.id,
        lines: order.lines,
        actor,
        at: deps.now,
        pricedFrom: remembered,
      }),
      tx.commit(),
    ]);
    return ok(order);
  });
}

async function replay(
  tx: Sql,
  claim: { userId: string; key: string; requestHash: string },
  record: { requestHash: string; state: 'IN_PROGRESS' | 'COMPLETED'; resourceId: string | null },
): Promise<Result<Order, DomainError>> {
  const decision = decideIdempotency({ key: claim.key, ...record }, claim.requestHash);
  if (!decision.ok) return decision;
  // COMPLETED is written with the order in one transaction, so the order is there.
  const order =
    record.resourceId === null ? null : await findOrderForUser(tx, record.resourceId, claim.userId);
  if (order === null) throw new Error(`idempotency key ${claim.key} completed without an order`);
  return ok(order);
}
