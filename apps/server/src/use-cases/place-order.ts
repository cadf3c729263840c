import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asSku,
  asUserId,
  decideIdempotency,
  domainError,
  err,
  ok,
  placeOrder,
  requestFingerprint,
  type CatalogueItem,
  type DomainError,
  type DomainErrorOf,
  type Order,
  type OrderId,
  type OrderLineRequest,
  type Result,
} from '@orders/core';
import {
  appendEventsStatement,
  availableOf,
  claimIdempotencyKey,
  findOrderById,
  findProductsBySkus,
  insertOrderStatement,
  reservationsAsPricedStatements,
  retryTransient,
  stockMoveStatements,
  type Database,
  type IdempotencyKeyRecord,
  type Repriced,
  type StockShortage,
  type Tx,
} from '@orders/db';
import { orderEvent } from '../events/event-builders.js';
import type { CatalogueMemory } from '../fast-paths/catalogue-memory.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';

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
  /** The catalogue memory fast path; null when switched off (`CATALOGUE_MEMORY=false`). */
  readonly catalogue: CatalogueMemory | null;
  readonly metrics: DomainMetrics;
}

interface Placing {
  readonly orderId: OrderId;
  readonly userId: string;
  readonly lines: readonly OrderLineRequest[];
  readonly skus: readonly string[];
}

interface Claim {
  readonly userId: string;
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
}

/**
 * `orders.create`: core prices the lines from the catalogue and plans the reservations; ONE
 * transaction inserts the order, its lines, its first event and its `order.created`, and reserves every line, each
 * reservation a conditional UPDATE the database refuses when the stock is short
 * (INVENTORY.INSUFFICIENT_STOCK, and nothing is written, not even the key). With an idempotency
 * key, the key is claimed (as completed) in that same transaction: a repeat of the request gets
 * the order it created, a different request under the key is KEY_REUSED.
 *
 * Without a key, an order of products this instance remembers is first tried from memory
 * (`placeFromMemory`); a product that changed since sends it through the catalogue as usual.
 */
export async function placeOrderForUser(
  deps: PlaceOrderDeps,
  request: PlaceOrderRequest,
): Promise<Result<Order, DomainError>> {
  const lines = request.items.map((item) => ({ sku: asSku(item.sku), quantity: item.quantity }));
  const placing: Placing = {
    orderId: asOrderId(randomUUID()),
    userId: request.userId,
    lines,
    skus: [...new Set(lines.map((l) => l.sku))],
  };
  const { idempotencyKey } = request;
  const claim =
    idempotencyKey === undefined
      ? undefined
      : {
          userId: request.userId,
          scope: PLACE_ORDER_SCOPE,
          key: idempotencyKey,
          requestHash: requestFingerprint(PLACE_ORDER_SCOPE, lines),
        };

  // A key's claim must answer before anything is written, so keyed orders read the catalogue.
  const remembered = claim === undefined ? deps.catalogue?.recall(placing.skus) : undefined;
  if (remembered !== undefined) {
    const placed = await retryTransient(() => placeFromMemory(deps, placing, remembered));
    if (placed !== 'repriced') return placed;
    deps.catalogue?.forget(placing.skus);
  }
  const placed = await retryTransient(() => placeFromCatalogue(deps, placing, claim));
  if (placed.ok || !isShortage(placed.error)) return placed as Result<Order, DomainError>;
  return err(await insufficient(deps, placed.error));
}

function isShortage(error: DomainError | StockShortage): error is StockShortage {
  return 'kind' in error;
}

/**
 * The catalogue memory's fast path, one round trip: [BEGIN, order, reservations — each holding
 * only while its product still has the remembered name, price and currency — COMMIT].
 * `repriced` when a remembered product changed since (the caller then places the order from a
 * fresh read). A short line is answered here — once what is available confirms it: a product
 * repriced in the instant before the reservation locked it can be refused as short, and is then
 * placed from a fresh read too.
 */
async function placeFromMemory(
  deps: PlaceOrderDeps,
  placing: Placing,
  remembered: readonly CatalogueItem[],
): Promise<Result<Order, DomainError> | 'repriced'> {
  const decided = decide(deps, placing, remembered);
  // A refusal priced from memory might be stale: the catalogue decides it.
  if (!decided.ok) return 'repriced';
  const { order, reservations } = decided.value;
  const context = { orderId: order.id, actor: `user:${placing.userId}`, at: deps.now };
  const events = [orderEvent(order, null, deps.now)];
  const written = await deps.db.transaction((tx) =>
    tx.commitWith<Repriced | StockShortage>([
      insertOrderStatement(order),
      ...reservationsAsPricedStatements(reservations, remembered, context),
      appendEventsStatement(events),
    ]),
  );
  if (written.ok) {
    deps.metrics.eventsWritten(events);
    return ok(order);
  }
  if (written.error.kind === 'repriced') return 'repriced';
  const shortage = await insufficient(deps, written.error);
  return shortage.available < shortage.requested ? err(shortage) : 'repriced';
}

/**
 * The order priced from the catalogue as read in its transaction, two round trips: [BEGIN, the
 * key's claim, the catalogue], then [order, reservations, COMMIT].
 */
function placeFromCatalogue(
  deps: PlaceOrderDeps,
  placing: Placing,
  claim: Claim | undefined,
): Promise<Result<Order, DomainError | StockShortage>> {
  return deps.db.transaction(async (tx): Promise<Result<Order, DomainError | StockShortage>> => {
    // The key is stored COMPLETED with the order's id: it commits with the order or not at all.
    const [claimed, catalogue] = await Promise.all([
      claim && claimIdempotencyKey(tx, { ...claim, resourceId: placing.orderId, at: deps.now }),
      findProductsBySkus(tx, placing.skus),
    ]);
    if (claim !== undefined && claimed?.claimed === false) {
      return replay(tx, claim, claimed.record);
    }
    deps.catalogue?.remember(catalogue);
    const decided = decide(deps, placing, catalogue);
    if (!decided.ok) return decided;
    const { order, reservations } = decided.value;
    const context = { orderId: order.id, actor: `user:${placing.userId}`, at: deps.now };
    const events = [orderEvent(order, null, deps.now)];
    const written = await tx.commitWith([
      insertOrderStatement(order),
      ...stockMoveStatements(reservations, context),
      appendEventsStatement(events),
    ]);
    if (!written.ok) return written;
    deps.metrics.eventsWritten(events);
    return ok(order);
  });
}

function decide(deps: PlaceOrderDeps, placing: Placing, catalogue: readonly CatalogueItem[]) {
  return placeOrder({
    id: placing.orderId,
    userId: asUserId(placing.userId),
    lines: placing.lines,
    catalogue,
    now: deps.now.getTime(),
    ttlMs: deps.orderTtlMs,
  });
}

/** The refusal of a short line, with what is available now (read once it has rolled back). */
async function insufficient(
  deps: PlaceOrderDeps,
  shortage: StockShortage,
): Promise<DomainErrorOf<'INVENTORY.INSUFFICIENT_STOCK'>> {
  const { move } = shortage;
  return domainError('INVENTORY.INSUFFICIENT_STOCK', {
    sku: move.sku,
    requested: move.reservedDelta,
    available: await availableOf(deps.db, move.productId),
  });
}

async function replay(
  tx: Tx,
  claim: Claim,
  record: IdempotencyKeyRecord,
): Promise<Result<Order, DomainError>> {
  const decision = decideIdempotency({ key: claim.key, ...record }, claim.requestHash);
  if (!decision.ok) return decision;
  // COMPLETED is written with the order in one transaction, so the order is there; keys are per
  // user, so it is the caller's.
  const order = record.resourceId === null ? null : await findOrderById(tx, record.resourceId);
  if (order === null) throw new Error(`idempotency key ${claim.key} completed without an order`);
  return ok(order);
}
