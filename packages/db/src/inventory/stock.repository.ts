import {
  asProductId,
  asSku,
  domainError,
  sortByLockOrder,
  type CatalogueItem,
  type DomainErrorOf,
} from '@orders/core';
import { isAssertionFailure } from '../db-errors.js';
import type { Sql } from '../database.js';
import { MOVEMENT_COLUMNS, movementValues, type StockMovement } from './stock-movements.js';

/** A line whose stock moves: the product (lock order), its SKU (for errors) and the quantity. */
export interface StockLine {
  readonly productId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** A line of a new order whose stock was not there when its reservation ran. */
export class StockShortage extends Error {
  constructor(readonly line: StockLine) {
    super(`fewer than ${line.quantity} of ${line.sku} available`);
  }
}

/**
 * Reserves every line of a new order, in product-id order (DESIGN §2: one fixed lock order, so
 * concurrent orders cannot deadlock). Each line is one conditional UPDATE, so the database — not
 * a read in this process — decides whether the stock is there; the lines go out together and run
 * in the order sent. A line whose stock is short fails its own statement (`orders_assert`), so
 * the transaction cannot commit, even with COMMIT sent right behind: the promise rejects with a
 * {@link StockShortage} naming the first such line. Ask {@link insufficientStock} for the error
 * to report once the transaction has rolled back.
 *
 * `pricedFrom` is the catalogue the order was priced from when it was not read in this
 * transaction (remembered from an earlier read): a line then reserves only while its product
 * still has that name, price and currency, and fails the same way when it has not — the caller
 * tells the two apart by reading afresh.
 */
export async function reserveOrderStock(
  db: Sql,
  input: {
    orderId: string;
    lines: readonly StockLine[];
    actor: string;
    at: Date;
    pricedFrom?: readonly CatalogueItem[];
  },
): Promise<void> {
  const lines = sortByLockOrder(input.lines.map(withProductId));
  for (const line of lines) checkQuantity(line.quantity);
  const priced = new Map(input.pricedFrom?.map((item) => [item.productId, item]));
  await Promise.all(
    lines.map((line) => {
      const reserve = [line.quantity, line.productId, line.quantity];
      const item = priced.get(line.productId);
      const [change, params] =
        item === undefined
          ? [RESERVE, reserve]
          : [RESERVE_AS_PRICED, [...reserve, item.priceCents, item.name, item.currency]];
      return moveStock(
        db,
        change,
        params,
        movement(line, 'RESERVE', 0, line.quantity, 'reserved for order', input),
        `fewer than ${line.quantity} of ${line.sku} available`,
      ).catch((error: unknown) => {
        throw isAssertionFailure(error) ? new StockShortage(line) : error;
      });
    }),
  );
}

const RESERVE = 'reserved = reserved + ? where id = ? and on_hand - reserved >= ?';
const RESERVE_AS_PRICED = `${RESERVE} and price_cents = ? and name = ? and currency = ?`;

/** INSUFFICIENT_STOCK for a shortage, with what is available now. */
export async function insufficientStock(
  db: Sql,
  shortage: StockShortage,
): Promise<DomainErrorOf<'INVENTORY.INSUFFICIENT_STOCK'>> {
  const { line } = shortage;
  const rows = await db.execute<{ available: number }[]>(
    'select on_hand - reserved as available from products where id = ?',
    [line.productId],
  );
  return domainError('INVENTORY.INSUFFICIENT_STOCK', {
    sku: asSku(line.sku),
    requested: line.quantity,
    available: rows[0]?.available ?? 0,
  });
}

/** What settling an order's stock needs: the order, who and when, and its lines if already read. */
export interface SettleStockInput {
  readonly orderId: string;
  readonly actor: string;
  readonly at: Date;
  /** The order's lines (`findStockLines`), when the caller read them already; else read here. */
  readonly lines?: readonly StockLine[];
}

/** The lines of an order, as settling its stock needs them. */
export function findStockLines(db: Sql, orderId: string): Promise<StockLine[]> {
  return db.execute<StockLine[]>(
    'select product_id as "productId", sku, quantity from order_lines where order_id = ?',
    [orderId],
  );
}

/**
 * Payment captured: every line's reserved units leave the shelf (`on_hand −= q, reserved −= q`),
 * in product-id order. Call it once, after moving the order PENDING → CONFIRMED. A row that does
 * not update means the reservation is not there: a bug, so it throws (and the transaction rolls
 * back).
 */
export async function commitOrderStock(db: Sql, input: SettleStockInput): Promise<void> {
  await settleOrderStock(db, { ...input, reason: 'order confirmed' }, 'COMMIT');
}

/**
 * Payment failed, order cancelled or expired: every line's reserved units become available again
 * (`reserved −= q`), in product-id order. Call it once, after moving the order out of PENDING.
 * Throws if a reservation is missing (a bug).
 */
export async function releaseOrderStock(
  db: Sql,
  input: SettleStockInput & { reason: string },
): Promise<void> {
  await settleOrderStock(db, input, 'RELEASE');
}

async function settleOrderStock(
  db: Sql,
  input: SettleStockInput & { reason: string },
  kind: 'COMMIT' | 'RELEASE',
): Promise<void> {
  const lines = input.lines ?? (await findStockLines(db, input.orderId));
  if (lines.length === 0) throw new Error(`order ${input.orderId} has no lines to settle`);
  // Sent together, run in the order sent: the lock order holds. A reservation that is not there
  // fails its statement (`orders_assert`), so a COMMIT sent behind them cannot commit around it.
  await Promise.all(
    sortByLockOrder(lines.map(withProductId)).map((line) => {
      // A commit ships the units (on hand falls); a release only frees them.
      const onHandDelta = kind === 'COMMIT' ? -line.quantity : 0;
      const m = movement(line, kind, onHandDelta, -line.quantity, input.reason, input);
      return moveStock(
        db,
        'on_hand = on_hand + ?, reserved = reserved - ? where id = ? and reserved >= ?',
        [onHandDelta, line.quantity, line.productId, line.quantity],
        m,
        `order ${input.orderId}: fewer than ${line.quantity} of ${line.sku} reserved`,
      );
    }),
  );
}

/**
 * One line's stock change — `update products set <change>`, conditional — and its movement row, in
 * one statement that fails (`orders_assert`, with `failure` as its message) when the condition
 * refused the update, so nothing behind it in the transaction can commit around the refusal.
 */
function moveStock(
  db: Sql,
  change: string,
  params: readonly unknown[],
  m: StockMovement,
  failure: string,
): Promise<unknown> {
  return db.execute(
    `with moved as (update products set ${change} returning id),
     movement as (
       insert into stock_movements (${MOVEMENT_COLUMNS})
       select ?, ?, ?, ?, ?, ?, ?, ? from moved returning 1)
     select orders_assert((select count(*) from movement) = 1, ?)`,
    [...params, ...movementValues(m), failure],
  );
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
