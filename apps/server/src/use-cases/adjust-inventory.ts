import { asSku, decideAdjustment, ok, type DomainError, type Result } from '@orders/core';
import {
  adjustmentStatements,
  appendEventsStatement,
  lockProduct,
  retryTransient,
  type Database,
  type ProductRecord,
} from '@orders/db';
import { productEvent } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import { readBack } from './upsert-inventory.js';

export interface AdjustInventoryInput {
  /** Who changes it, as the stock movement records it: `user:<adminId>`. */
  readonly actor: string;
  readonly sku: string;
  /** Non-zero; the result never goes below what is reserved. */
  readonly delta: number;
  readonly reason: string;
}

/**
 * `inventory.adjust` (admin): one transaction locks the product — so no reservation slips between
 * the check and the write — core decides (`decideAdjustment`: a count, never below what is
 * reserved) and the new count goes out with its movement, its `product.updated` and COMMIT.
 */
export async function adjustInventory(
  deps: { db: Database; now: Date; metrics: DomainMetrics },
  input: AdjustInventoryInput,
): Promise<Result<ProductRecord, DomainError>> {
  const sku = asSku(input.sku);
  const context = { orderId: null, actor: input.actor, at: deps.now };
  const written = await retryTransient(() =>
    deps.db.transaction(async (tx) => {
      const existing = await lockProduct(tx, sku);
      const plan = decideAdjustment(existing, { ...input, sku });
      if (!plan.ok) return plan;
      const after = existing && { ...existing, onHand: plan.value.onHand };
      const event = after && productEvent(after, existing, deps.now);
      const written = await tx.commitWith([
        ...adjustmentStatements(plan.value, context),
        ...(event ? [appendEventsStatement([event])] : []),
      ]);
      if (written.ok && event) deps.metrics.eventsWritten([event]);
      return written;
    }),
  );
  return written.ok ? ok(await readBack(deps.db, sku)) : written;
}
