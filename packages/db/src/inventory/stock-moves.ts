import type { CatalogueItem, StockMove } from '@orders/core';
import type { Sql } from '../database.js';
import { guarded, guardedFor, statement, type Statement } from '../statement.js';

/** A line's stock move that the database refused: the stock is not there. */
export interface StockShortage {
  readonly kind: 'short';
  readonly move: StockMove;
}

/** A remembered product whose name, price or currency has changed since. */
export interface Repriced {
  readonly kind: 'repriced';
}

/** Who moved the stock, when, and for which order (null for an admin's change). */
export interface MoveContext {
  readonly orderId: string | null;
  readonly actor: string;
  readonly at: Date;
}

const MOVEMENT_COLUMNS =
  'product_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor, at';

function movementValues(move: StockMove, context: MoveContext): unknown[] {
  const { productId, kind, onHandDelta, reservedDelta, reason } = move;
  return [
    productId,
    kind,
    onHandDelta,
    reservedDelta,
    context.orderId,
    reason,
    context.actor,
    context.at,
  ];
}

/**
 * Applies a planned move to its product — `on_hand += Δ, reserved += Δ` — only while the result is
 * a valid level (on hand a count, reserved between 0 and on hand: the DESIGN §2 rule, enforced
 * here under concurrency; compared in bigint, so a move near the column's top is refused, not an
 * overflow). At READ COMMITTED the condition is re-checked after waiting for a concurrent writer
 * of the row, so two orders can never both take the last unit. Every statement that moves stock
 * for an order starts from this one UPDATE (bound by {@link applyMoveParams}), adding conditions
 * of its own with `and …`, so the rule has one text, and the property test that ties it to core's
 * `stockLevelProblem` runs through each of them.
 */
const APPLY_MOVE = `update products set on_hand = on_hand + ?, reserved = reserved + ?
      where id = ? and on_hand::bigint + ? >= reserved::bigint + ?
        and reserved::bigint + ? >= 0 and on_hand::bigint + ? >= 0`;

function applyMoveParams(move: StockMove): unknown[] {
  const on = move.onHandDelta;
  const res = move.reservedDelta;
  return [on, res, move.productId, on, res, res, on];
}

/** The movement row of the move that `moved` applied; none when the UPDATE was refused. */
const MOVEMENT_OF_MOVED = `movement as (
     insert into stock_movements (${MOVEMENT_COLUMNS})
     select ?, ?, ?, ?, ?, ?, ?, ? from moved returning 1)`;

/**
 * A planned move ({@link APPLY_MOVE}) and its movement row, in one statement. Refused:
 * `{ kind: 'short', move }`, and nothing is written.
 */
const MOVE = `with moved as (${APPLY_MOVE} returning id),
   ${MOVEMENT_OF_MOVED}
   select orders_assert((select count(*) from movement) = 1, ?)`;

export function stockMoveStatements(
  moves: readonly StockMove[],
  context: MoveContext,
): Statement<StockShortage>[] {
  return moves.map((move) =>
    guarded(
      MOVE,
      [
        ...applyMoveParams(move),
        ...movementValues(move, context),
        `${move.kind} of ${Math.abs(move.reservedDelta || move.onHandDelta)} ${move.sku} refused`,
      ],
      { kind: 'short', move },
    ),
  );
}

/** An admin's change, recorded after the product row was updated under its lock. */
export function movementStatement(move: StockMove, context: MoveContext): Statement {
  return statement(
    `insert into stock_movements (${MOVEMENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?)`,
    movementValues(move, context),
  );
}

/**
 * The reservations of an order priced from memory (`CatalogueMemory`): each applies only while
 * the stock is there (as {@link stockMoveStatements}) AND its product still has the name, price
 * and currency the order was priced with — both checked in the UPDATE, on the row's newest version
 * under its lock, so a reservation never holds at a stale price. Refused, it says why, from what
 * the statement saw at its start: `repriced` when the product differed, else `short`. (A product
 * repriced by a transaction that committed after that start and before the lock is reported as
 * `short`: the caller confirms a shortage by reading what is available before it answers one.)
 */
const RESERVE_AS_PRICED = `with moved as (${APPLY_MOVE}
        and price_cents = ? and name = ? and currency = ?
      returning id),
   ${MOVEMENT_OF_MOVED}
   select case
     when (select count(*) from movement) = 1 then true
     when exists (select 1 from products
                   where id = ? and price_cents = ? and name = ? and currency = ?)
       then orders_assert(false, 'short')
     else orders_assert(false, 'repriced') end`;

export function reservationsAsPricedStatements(
  moves: readonly StockMove[],
  pricedFrom: readonly CatalogueItem[],
  context: MoveContext,
): Statement<StockShortage | Repriced>[] {
  const items = new Map(pricedFrom.map((item) => [item.productId, item]));
  return moves.map((move) => {
    const item = items.get(move.productId);
    if (item === undefined) throw new Error(`${move.sku} was not priced from memory`);
    const priced = [item.priceCents, item.name, item.currency];
    return guardedFor(
      RESERVE_AS_PRICED,
      [
        ...applyMoveParams(move),
        ...priced,
        ...movementValues(move, context),
        move.productId,
        ...priced,
      ],
      { short: { kind: 'short', move }, repriced: { kind: 'repriced' } },
    );
  });
}

/** What is available of a product now (for the INSUFFICIENT_STOCK answer). */
export async function availableOf(db: Sql, productId: string): Promise<number> {
  const rows = await db.execute<{ available: number }[]>(
    'select on_hand - reserved as available from products where id = ?',
    [productId],
  );
  return rows[0]?.available ?? 0;
}
