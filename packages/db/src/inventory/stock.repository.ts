import {
  asProductId,
  asSku,
  domainError,
  err,
  ok,
  sortByLockOrder,
  type DomainErrorOf,
  type Result,
} from '@orders/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RunResult } from '../sql-values.js';
import { insertStockMovements, type StockMovement } from './stock-movements.js';

/** A line whose stock moves: the product (lock order), its SKU (for errors) and the quantity. */
export interface StockLine {
  readonly productId: string;
  readonly sku: string;
  readonly quantity: number;
}

/**
 * Reserves every line of a new order, in product-id order (DESIGN §2: one fixed lock order, so
 * concurrent orders cannot deadlock). Each line is one conditional UPDATE, so the database — not
 * a read in this process — decides whether the stock is there. On the first line that cannot be
 * reserved it returns INSUFFICIENT_STOCK naming that SKU; the caller must then roll back, which
 * undoes the lines already reserved.
 */
export async function reserveOrderStock(
  em: EntityManager,
  input: { orderId: string; lines: readonly StockLine[]; actor: string; at: Date },
): Promise<Result<void, DomainErrorOf<'INVENTORY.INSUFFICIENT_STOCK'>>> {
  const movements: StockMovement[] = [];
  for (const line of sortByLockOrder(input.lines.map(withProductId))) {
    checkQuantity(line.quantity);
    const reserved = await em.execute<RunResult>(
      'update products set reserved = reserved + ? where id = ? and on_hand - reserved >= ?',
      [line.quantity, line.productId, line.quantity],
      'run',
    );
    if (reserved.affectedRows === 0) {
      const rows = await em.execute<{ available: number }[]>(
        'select on_hand - reserved as available from products where id = ?',
        [line.productId],
      );
      return err(
        domainError('INVENTORY.INSUFFICIENT_STOCK', {
          sku: asSku(line.sku),
          requested: line.quantity,
          available: rows[0]?.available ?? 0,
        }),
      );
    }
    movements.push(movement(line, 'RESERVE', 0, line.quantity, 'reserved for order', input));
  }
  await insertStockMovements(em, movements);
  return ok(undefined);
}

/**
 * Payment captured: every line's reserved units leave the shelf (`on_hand −= q, reserved −= q`),
 * in product-id order. Call it once, after moving the order PENDING → CONFIRMED. A row that does
 * not update means the reservation is not there: a bug, so it throws (and the transaction rolls
 * back).
 */
export async function commitOrderStock(
  em: EntityManager,
  input: { orderId: string; actor: string; at: Date },
): Promise<void> {
  await settleOrderStock(em, { ...input, reason: 'order confirmed' }, 'COMMIT');
}

/**
 * Payment failed, order cancelled or expired: every line's reserved units become available again
 * (`reserved −= q`), in product-id order. Call it once, after moving the order out of PENDING.
 * Throws if a reservation is missing (a bug).
 */
export async function releaseOrderStock(
  em: EntityManager,
  input: { orderId: string; reason: string; actor: string; at: Date },
): Promise<void> {
  await settleOrderStock(em, input, 'RELEASE');
}

async function settleOrderStock(
  em: EntityManager,
  input: { orderId: string; reason: string; actor: string; at: Date },
  kind: 'COMMIT' | 'RELEASE',
): Promise<void> {
  const lines = await em.execute<StockLine[]>(
    'select product_id as "productId", sku, quantity from order_lines where order_id = ?',
    [input.orderId],
  );
  if (lines.length === 0) throw new Error(`order ${input.orderId} has no lines to settle`);
  const movements: StockMovement[] = [];
  for (const line of sortByLockOrder(lines.map(withProductId))) {
    // A commit ships the units (on hand falls); a release only frees them.
    const onHandDelta = kind === 'COMMIT' ? -line.quantity : 0;
    const settled = await em.execute<RunResult>(
      `update products set on_hand = on_hand + ?, reserved = reserved - ?
        where id = ? and reserved >= ?`,
      [onHandDelta, line.quantity, line.productId, line.quantity],
      'run',
    );
    if (settled.affectedRows === 0) {
      throw new Error(
        `order ${input.orderId}: fewer than ${line.quantity} of ${line.sku} reserved`,
      );
    }
    movements.push(movement(line, kind, onHandDelta, -line.quantity, input.reason, input));
  }
  await insertStockMovements(em, movements);
}

function withProductId<L extends StockLine>(line: L) {
  return { ...line, productId: asProductId(line.productId) };
}

function checkQuantity(quantity: number): void {
  // Core validated the order; a non-positive quantity here would silently move stock backwards.
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new RangeError(`stock quantity must be a positive integer, got ${quantity}`);
  }
}

function movement(
  line: StockLine,
  kind: StockMovement['kind'],
  onHandDelta: number,
  reservedDelta: number,
  reason: string,
  input: { orderId: string; actor: string; at: Date },
): StockMovement {
  const { orderId, actor, at } = input;
  return {
    productId: line.productId,
    kind,
    onHandDelta,
    reservedDelta,
    orderId,
    reason,
    actor,
    at,
  };
}
