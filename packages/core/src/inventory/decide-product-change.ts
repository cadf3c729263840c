import type { CatalogueItem } from '../orders/order.js';
import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { ProductId, Sku } from '../shared/ids.js';
import { DEFAULT_CURRENCY } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';
import { adjustStock, setStockOnHand, stockLevelProblem, type ProductStock } from './stock.js';
import type { StockMove } from './stock.js';

/** A product of the catalogue with its stock. */
export type Product = CatalogueItem & ProductStock;

export type ProductChangeError = DomainErrorOf<
  'INVENTORY.PRODUCT_NOT_FOUND' | 'INVENTORY.BELOW_RESERVED' | 'INVENTORY.INVALID_QUANTITY'
>;

/** What an admin's `inventory.upsert` writes. */
export type UpsertPlan =
  | {
      readonly kind: 'create';
      readonly product: Product;
      /** The opening ADJUST movement; null for a product created with no stock. */
      readonly move: StockMove | null;
    }
  | {
      readonly kind: 'update';
      readonly productId: ProductId;
      readonly onHand: number;
      readonly name: string | undefined;
      readonly priceCents: number | undefined;
      readonly move: StockMove | null;
    };

export interface UpsertRequest {
  readonly sku: Sku;
  readonly name?: string | undefined;
  readonly priceCents?: number | undefined;
  readonly onHand: number;
}

/**
 * The admin's "set stock" (DESIGN §3 `inventory.upsert`), decided on the product as locked for
 * it (`existing`, null when there is none): a new product needs a name and a price, else
 * PRODUCT_NOT_FOUND; an existing one gets the count — never below what is reserved — and the name
 * and price when given. `newId` names the product if it is created.
 */
export function decideUpsert(
  existing: Product | null,
  request: UpsertRequest,
  newId: ProductId,
): Result<UpsertPlan, ProductChangeError> {
  const { sku, name, priceCents, onHand } = request;
  if (stockLevelProblem({ onHand, reserved: 0 }) !== null) {
    return err(domainError('INVENTORY.INVALID_QUANTITY', { sku, quantity: onHand }));
  }
  if (existing === null) {
    if (name === undefined || priceCents === undefined) {
      return err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku }));
    }
    const product: Product = {
      productId: newId,
      sku,
      name,
      priceCents,
      currency: DEFAULT_CURRENCY,
      onHand,
      reserved: 0,
    };
    const move: StockMove | null =
      onHand === 0
        ? null
        : {
            productId: newId,
            sku,
            kind: 'ADJUST',
            onHandDelta: onHand,
            reservedDelta: 0,
            reason: 'created',
          };
    return ok({ kind: 'create', product, move });
  }
  const change = setStockOnHand(existing, onHand);
  if (!change.ok) return change;
  return ok({
    kind: 'update',
    productId: existing.productId,
    onHand,
    name,
    priceCents,
    move: change.value.move,
  });
}

/** The admin's relative change (`inventory.adjust`), decided on the product as locked for it. */
export function decideAdjustment(
  existing: Product | null,
  request: { readonly sku: Sku; readonly delta: number; readonly reason: string },
): Result<
  { readonly productId: ProductId; readonly onHand: number; readonly move: StockMove },
  ProductChangeError
> {
  if (existing === null)
    return err(domainError('INVENTORY.PRODUCT_NOT_FOUND', { sku: request.sku }));
  const change = adjustStock(existing, request.delta, request.reason);
  if (!change.ok) return change;
  const { onHand, move } = change.value;
  // A non-zero delta always moves the count.
  if (move === null) throw new Error('an adjustment by a non-zero delta moved nothing');
  return ok({ productId: existing.productId, onHand, move });
}
