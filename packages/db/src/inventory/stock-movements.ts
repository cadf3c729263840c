import type { StockMovementKind } from '@orders/core';
import type { Sql } from '../database.js';
import { valuesPlaceholders } from '../sql-values.js';

/** One row of `stock_movements`, written in the transaction that changed the stock. */
export interface StockMovement {
  readonly productId: string;
  readonly kind: StockMovementKind;
  readonly onHandDelta: number;
  readonly reservedDelta: number;
  readonly orderId: string | null;
  readonly reason: string;
  readonly actor: string;
  readonly at: Date;
}

/** The columns of a movement row, in the order {@link movementValues} lists a row's values. */
export const MOVEMENT_COLUMNS =
  'product_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor, at';

export function movementValues(m: StockMovement): unknown[] {
  return [m.productId, m.kind, m.onHandDelta, m.reservedDelta, m.orderId, m.reason, m.actor, m.at];
}

/** Appends movements in one statement; nothing for an empty list. */
export async function insertStockMovements(
  db: Sql,
  movements: readonly StockMovement[],
): Promise<void> {
  if (movements.length === 0) return;
  await db.execute(
    `insert into stock_movements (${MOVEMENT_COLUMNS})
     values ${valuesPlaceholders(movements.length, 8)}`,
    movements.flatMap(movementValues),
    'run',
  );
}

/** An admin's ADJUST movement; a change of zero carries no information and writes nothing. */
export async function recordAdjustment(
  db: Sql,
  productId: string,
  onHandDelta: number,
  reason: string,
  by: { readonly actor: string; readonly at: Date },
): Promise<void> {
  if (onHandDelta === 0) return;
  await insertStockMovements(db, [
    { productId, kind: 'ADJUST', onHandDelta, reservedDelta: 0, orderId: null, reason, ...by },
  ]);
}
