import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { ProductId, Sku } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';

/**
 * Stock (DESIGN §2 Inventory): `available = onHand − reserved`; both stay ≥ 0 and
 * `reserved ≤ onHand`. An order's moves (reserve, commit, release) race other orders, so the
 * database enforces them — one conditional UPDATE each, the rule's only home — and core plans
 * them: which product, which kind, which deltas, in which lock order. An admin's change is
 * decided here, on the row locked for it.
 */
export interface StockLevel {
  readonly onHand: number;
  readonly reserved: number;
}

export interface ProductStock extends StockLevel {
  readonly sku: Sku;
}

/** Bounds of a stock count: `on_hand` is a 32-bit integer column. */
export const STOCK_LIMITS = { maxOnHand: 2_147_483_647 } as const;

/** The kinds of rows in `stock_movements`. */
export const STOCK_MOVEMENT_KINDS = ['RESERVE', 'COMMIT', 'RELEASE', 'ADJUST', 'RESTOCK'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

/** The moves of an order's stock, each applied per line. */
export type OrderStockMoveKind = Extract<
  StockMovementKind,
  'RESERVE' | 'COMMIT' | 'RELEASE' | 'RESTOCK'
>;

/**
 * One planned change of one product's stock, as written to `stock_movements`: the database
 * applies `onHand += onHandDelta, reserved += reservedDelta` only if the result is a valid level.
 */
export interface StockMove {
  readonly productId: ProductId;
  readonly sku: Sku;
  readonly kind: StockMovementKind;
  readonly onHandDelta: number;
  readonly reservedDelta: number;
  readonly reason: string;
}

/** A line whose stock moves. */
export interface StockLine {
  readonly productId: ProductId;
  readonly sku: Sku;
  readonly quantity: number;
}

/**
 * What each order move does to a line of `quantity` units: a reservation holds them, a commit
 * ships them (they leave the shelf and the reservation), a release frees them, a restock (a
 * refund's) puts shipped units back on the shelf.
 */
const PER_UNIT = {
  RESERVE: { onHand: 0, reserved: 1 },
  COMMIT: { onHand: -1, reserved: -1 },
  RELEASE: { onHand: 0, reserved: -1 },
  RESTOCK: { onHand: 1, reserved: 0 },
} as const satisfies Record<OrderStockMoveKind, { onHand: number; reserved: number }>;

/**
 * The moves of an order's lines, in lock order (product id): every process taking the products'
 * row locks in this one order is what keeps concurrent orders from deadlocking.
 */
export function planStockMoves(
  kind: OrderStockMoveKind,
  lines: readonly StockLine[],
  reason: string,
): StockMove[] {
  return sortByLockOrder(lines).map((line) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      // Core validated the order's lines; a non-positive quantity would move stock backwards.
      throw new RangeError(`a stock move needs a positive quantity, got ${line.quantity}`);
    }
    const unit = PER_UNIT[kind];
    return {
      productId: line.productId,
      sku: line.sku,
      kind,
      onHandDelta: unit.onHand * line.quantity,
      reservedDelta: unit.reserved * line.quantity,
      reason,
    };
  });
}

/** Units that can still be reserved. */
export function availableStock(stock: StockLevel): number {
  return stock.onHand - stock.reserved;
}

/**
 * Why a level cannot be stored, or null when it can: the invariant the database's CHECKs and
 * every conditional stock UPDATE hold (a test ties them to this function).
 */
export function stockLevelProblem(
  level: StockLevel,
): 'NOT_A_COUNT' | 'NEGATIVE_RESERVED' | 'RESERVED_ABOVE_ON_HAND' | null {
  const count = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= STOCK_LIMITS.maxOnHand;
  if (!count(level.onHand)) return 'NOT_A_COUNT';
  if (!Number.isSafeInteger(level.reserved) || level.reserved < 0) return 'NEGATIVE_RESERVED';
  if (level.reserved > level.onHand) return 'RESERVED_ABOVE_ON_HAND';
  return null;
}

/** An admin's change of a product's on-hand count: the new count and the movement to record. */
export interface StockChange {
  readonly onHand: number;
  /** The ADJUST movement; null when the count does not change (nothing to explain). */
  readonly move: StockMove | null;
}

type StockChangeError = DomainErrorOf<'INVENTORY.BELOW_RESERVED' | 'INVENTORY.INVALID_QUANTITY'>;

function changeOnHand(
  product: ProductStock & { readonly productId: ProductId },
  onHand: number,
  reason: string,
  invalid: () => StockChangeError,
): Result<StockChange, StockChangeError> {
  const problem = stockLevelProblem({ onHand, reserved: product.reserved });
  if (problem === 'NOT_A_COUNT') return err(invalid());
  if (problem !== null) {
    return err(
      domainError('INVENTORY.BELOW_RESERVED', {
        sku: product.sku,
        onHand: product.onHand,
        reserved: product.reserved,
        requestedOnHand: onHand,
      }),
    );
  }
  const delta = onHand - product.onHand;
  const move: StockMove | null =
    delta === 0
      ? null
      : {
          productId: product.productId,
          sku: product.sku,
          kind: 'ADJUST',
          onHandDelta: delta,
          reservedDelta: 0,
          reason,
        };
  return ok({ onHand, move });
}

/** The admin sets the absolute on-hand count: a count, never below what is reserved. */
export function setStockOnHand(
  product: ProductStock & { readonly productId: ProductId },
  onHand: number,
): Result<StockChange, StockChangeError> {
  return changeOnHand(product, onHand, 'set by admin', () =>
    domainError('INVENTORY.INVALID_QUANTITY', { sku: product.sku, quantity: onHand }),
  );
}

/**
 * The admin changes on-hand by a non-zero integer `delta`; the result is a count, never below
 * what is reserved.
 */
export function adjustStock(
  product: ProductStock & { readonly productId: ProductId },
  delta: number,
  reason: string,
): Result<StockChange, StockChangeError> {
  const invalid = () =>
    domainError('INVENTORY.INVALID_QUANTITY', { sku: product.sku, quantity: delta });
  if (!Number.isSafeInteger(delta) || delta === 0) return err(invalid());
  return changeOnHand(product, product.onHand + delta, reason, invalid);
}

/**
 * The order in which a multi-line order locks its products: ascending product id by UTF-16 code
 * units, independent of locale.
 */
export function sortByLockOrder<L extends { readonly productId: ProductId }>(
  lines: readonly L[],
): L[] {
  return [...lines].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}
