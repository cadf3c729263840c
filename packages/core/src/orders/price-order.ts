import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import type { Sku } from '../shared/ids.js';
import { money, type Money } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';
import {
  ORDER_LIMITS,
  type CatalogueItem,
  type OrderLine,
  type OrderLineRequest,
} from './order.js';

export type OrderLinesError = DomainErrorOf<
  'ORDER.INVALID_LINES' | 'ORDER.INVALID_QUANTITY' | 'ORDER.DUPLICATE_SKU'
>;

export type PriceOrderError =
  | OrderLinesError
  | DomainErrorOf<'ORDER.UNKNOWN_SKU' | 'ORDER.CURRENCY_MISMATCH' | 'ORDER.AMOUNT_TOO_LARGE'>;

/** Lines priced from the catalogue, in the order the client sent them, and their total. */
export interface PricedOrder {
  readonly lines: readonly OrderLine[];
  readonly total: Money;
}

/**
 * Checks the shape of an order request: 1–50 lines, integer quantities in 1..1000, each SKU once.
 *
 * Duplicate SKUs are refused (`ORDER.DUPLICATE_SKU`), not merged: merging could silently push a
 * line past the 1000 limit the client never asked for, and a repeated SKU is more often a client
 * bug than an intent. A client that wants more of one SKU sends one line with a larger quantity.
 */
export function validateOrderLines(
  lines: readonly OrderLineRequest[],
): Result<readonly OrderLineRequest[], OrderLinesError> {
  const { minLines, maxLines, minQuantity, maxQuantity } = ORDER_LIMITS;
  if (lines.length < minLines || lines.length > maxLines) {
    const reason = lines.length < minLines ? 'EMPTY' : 'TOO_MANY';
    return err(
      domainError('ORDER.INVALID_LINES', {
        reason,
        count: lines.length,
        min: minLines,
        max: maxLines,
      }),
    );
  }
  const seen = new Set<Sku>();
  for (const { sku, quantity } of lines) {
    if (!Number.isInteger(quantity) || quantity < minQuantity || quantity > maxQuantity) {
      return err(
        domainError('ORDER.INVALID_QUANTITY', {
          sku,
          quantity,
          min: minQuantity,
          max: maxQuantity,
        }),
      );
    }
    if (seen.has(sku)) return err(domainError('ORDER.DUPLICATE_SKU', { sku }));
    seen.add(sku);
  }
  return ok(lines);
}

/**
 * Prices validated lines from a catalogue snapshot (the client never sends a price). All lines
 * must share one currency; totals that would leave the safe-integer range are refused.
 */
export function priceOrder(
  lines: readonly OrderLineRequest[],
  catalogue: readonly CatalogueItem[],
): Result<PricedOrder, PriceOrderError> {
  const valid = validateOrderLines(lines);
  if (!valid.ok) return valid;

  const bySku = new Map(catalogue.map((item) => [item.sku, item]));
  const priced: OrderLine[] = [];
  let totalCents = 0;
  let currency: CatalogueItem['currency'] | undefined;
  for (const { sku, quantity } of valid.value) {
    const item = bySku.get(sku);
    if (item === undefined) return err(domainError('ORDER.UNKNOWN_SKU', { sku }));
    // A negative or fractional catalogue price is corrupt data, not a client mistake.
    const unit = money(item.priceCents, item.currency);
    if (unit.amountCents < 0) throw new RangeError(`negative price for ${sku}`);

    currency ??= unit.currency;
    if (unit.currency !== currency) {
      return err(
        domainError('ORDER.CURRENCY_MISMATCH', { sku, expected: currency, actual: unit.currency }),
      );
    }
    const lineTotalCents = unit.amountCents * quantity;
    totalCents += lineTotalCents;
    if (!Number.isSafeInteger(lineTotalCents) || !Number.isSafeInteger(totalCents)) {
      return err(domainError('ORDER.AMOUNT_TOO_LARGE', { sku }));
    }
    priced.push({
      productId: item.productId,
      sku,
      name: item.name,
      quantity,
      unitPriceCents: unit.amountCents,
      lineTotalCents,
    });
  }
  // validateOrderLines guarantees at least one line, so currency is set here.
  return ok({ lines: priced, total: money(totalCents, currency) });
}
