import { randomUUID } from 'node:crypto';
import {
  asProductId,
  asSku,
  decideUpsert,
  err,
  ok,
  type DomainError,
  type Product,
  type ProductChangeError,
  type Result,
  type UpsertPlan,
} from '@orders/core';
import {
  appendEventsStatement,
  findProductBySku,
  lockProduct,
  retryTransient,
  upsertStatements,
  type Database,
  type ProductExists,
  type ProductRecord,
} from '@orders/db';
import { productEvent } from '../events/event-builders.js';
import type { DomainMetrics } from '../metrics/domain-metrics.js';

export interface UpsertInventoryInput {
  /** Who changes it, as the stock movement records it: `user:<adminId>`, or `system`. */
  readonly actor: string;
  readonly sku: string;
  readonly name?: string | undefined;
  readonly priceCents?: number | undefined;
  readonly onHand: number;
}

/**
 * `inventory.upsert` (admin): one transaction locks the product, core decides (`decideUpsert`:
 * create it — name and price required — or set its count, never below what is reserved, and its
 * name and price when given) and the plan goes out with COMMIT, its stock movement and its
 * `product.updated` included. Two
 * admins creating one SKU at once: the unique key lets one insert; the other decides again on
 * the row it created.
 */
export async function upsertInventory(
  deps: { db: Database; now: Date; metrics: DomainMetrics },
  input: UpsertInventoryInput,
): Promise<Result<ProductRecord, DomainError>> {
  const sku = asSku(input.sku);
  const context = { orderId: null, actor: input.actor, at: deps.now };
  for (;;) {
    const written = await retryTransient(() =>
      deps.db.transaction<undefined, ProductChangeError | ProductExists>(async (tx) => {
        const existing = await lockProduct(tx, sku);
        const plan = decideUpsert(existing, { ...input, sku }, asProductId(randomUUID()));
        if (!plan.ok) return plan;
        const event = productEvent(productAfter(existing, plan.value), existing, deps.now);
        const written = await tx.commitWith([
          ...upsertStatements(plan.value, context),
          ...(event === null ? [] : [appendEventsStatement([event])]),
        ]);
        if (written.ok && event !== null) deps.metrics.eventsWritten([event]);
        return written;
      }),
    );
    if (written.ok) return ok(await readBack(deps.db, sku));
    if ('code' in written.error) return err(written.error);
    // `exists`: created by another admin between the lock's read and the insert. Decide again.
  }
}

/** The product as the committed change left it. */
export async function readBack(db: Database, sku: string): Promise<ProductRecord> {
  const product = await findProductBySku(db, sku);
  if (product === null) throw new Error(`product ${sku} vanished after its change`);
  return product;
}

/** The product as the plan leaves it. */
function productAfter(existing: Product | null, plan: UpsertPlan): Product {
  if (plan.kind === 'create') return plan.product;
  if (existing === null) throw new Error('an update plan is made for an existing product');
  return {
    ...existing,
    onHand: plan.onHand,
    name: plan.name ?? existing.name,
    priceCents: plan.priceCents ?? existing.priceCents,
  };
}
