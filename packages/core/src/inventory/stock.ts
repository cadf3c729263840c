import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { ProductId, Sku } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';

/**
 * Stock rules (DESIGN §2 Inventory): `available = onHand − reserved`; both stay ≥ 0 and
 * `reserved ≤ onHand`. The database enforces the same with CHECKs and conditional UPDATEs; these
 * functions are the rule in one readable place and what the use cases decide with.
 */
export interface StockLevel {
  readonly onHand: number;
  readonly reserved: number;
}

export interface ProductStock extends StockLevel {
  readonly sku: Sku;
}

/** The kinds of rows in `stock_movements`. */
export const STOCK_MOVEMENT_KINDS = ['RESERVE', 'COMMIT', 'RELEASE', 'ADJUST'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

type InvalidQuantity = DomainErrorOf<'INVENTORY.INVALID_QUANTITY'>;

/** Units that can still be reserved. */
export function availableStock(stock: StockLevel): number {
  return stock.onHand - stock.reserved;
}

function checkPositive(sku: Sku, quantity: number): InvalidQuantity | null {
  return Number.isSafeInteger(quantity) && quantity > 0
    ? null
    : domainError('INVENTORY.INVALID_QUANTITY', { sku, quantity });
}

/** Holds `quantity` units for a PENDING order; refuses more than is available. */
export function reserveStock<S extends ProductStock>(
  stock: S,
  quantity: number,
): Result<S, DomainErrorOf<'INVENTORY.INSUFFICIENT_STOCK'> | InvalidQuantity> {
  const invalid = checkPositive(stock.sku, quantity);
  if (invalid) return err(invalid);
  const available = availableStock(stock);
  if (quantity > available) {
    return err(
      domainError('INVENTORY.INSUFFICIENT_STOCK', {
        sku: stock.sku,
        requested: quantity,
        available,
      }),
    );
  }
  return ok({ ...stock, reserved: stock.reserved + quantity });
}

function checkReserved(
  stock: ProductStock,
  quantity: number,
): DomainErrorOf<'INVENTORY.RESERVATION_MISMATCH'> | InvalidQuantity | null {
  const invalid = checkPositive(stock.sku, quantity);
  if (invalid) return invalid;
  if (quantity > stock.reserved) {
    return domainError('INVENTORY.RESERVATION_MISMATCH', {
      sku: stock.sku,
      requested: quantity,
      reserved: stock.reserved,
    });
  }
  return null;
}

/** Payment succeeded: the reserved units leave the shelf (`onHand −= q, reserved −= q`). */
export function commitStock<S extends ProductStock>(
  stock: S,
  quantity: number,
): Result<S, DomainErrorOf<'INVENTORY.RESERVATION_MISMATCH'> | InvalidQuantity> {
  const problem = checkReserved(stock, quantity);
  if (problem) return err(problem);
  return ok({ ...stock, onHand: stock.onHand - quantity, reserved: stock.reserved - quantity });
}

/** Payment failed, order cancelled or expired: the reserved units become available again. */
export function releaseStock<S extends ProductStock>(
  stock: S,
  quantity: number,
): Result<S, DomainErrorOf<'INVENTORY.RESERVATION_MISMATCH'> | InvalidQuantity> {
  const problem = checkReserved(stock, quantity);
  if (problem) return err(problem);
  return ok({ ...stock, reserved: stock.reserved - quantity });
}

function withOnHand<S extends ProductStock>(
  stock: S,
  onHand: number,
): Result<S, DomainErrorOf<'INVENTORY.BELOW_RESERVED'>> {
  if (onHand < stock.reserved) {
    return err(
      domainError('INVENTORY.BELOW_RESERVED', {
        sku: stock.sku,
        onHand: stock.onHand,
        reserved: stock.reserved,
        requestedOnHand: onHand,
      }),
    );
  }
  return ok({ ...stock, onHand });
}

/** Admin sets the absolute on-hand count; never negative, never below what is reserved. */
export function setStockOnHand<S extends ProductStock>(
  stock: S,
  onHand: number,
): Result<S, DomainErrorOf<'INVENTORY.BELOW_RESERVED'> | InvalidQuantity> {
  if (!Number.isSafeInteger(onHand) || onHand < 0) {
    return err(domainError('INVENTORY.INVALID_QUANTITY', { sku: stock.sku, quantity: onHand }));
  }
  return withOnHand(stock, onHand);
}

/**
 * Admin changes on-hand by a non-zero integer `delta`; the result never goes below what is
 * reserved (and so never below zero).
 */
export function adjustStock<S extends ProductStock>(
  stock: S,
  delta: number,
): Result<S, DomainErrorOf<'INVENTORY.BELOW_RESERVED'> | InvalidQuantity> {
  if (!Number.isSafeInteger(delta) || delta === 0) {
    return err(domainError('INVENTORY.INVALID_QUANTITY', { sku: stock.sku, quantity: delta }));
  }
  return withOnHand(stock, stock.onHand + delta);
}

/**
 * The order in which a multi-line order must lock (reserve, commit, release) its products:
 * ascending product id by UTF-16 code units, independent of locale. Every process taking locks
 * in this one order is what keeps concurrent orders from deadlocking.
 */
export function sortByLockOrder<L extends { readonly productId: ProductId }>(
  lines: readonly L[],
): L[] {
  return [...lines].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}
