import { randomUUID } from 'node:crypto';
import { asOrderId, asSku, asUserId, placeOrder, type Order, type UserId } from '@orders/core';
import type { ProductRecord } from '../catalogue/product.mapper.js';
import { createProduct, findProductsBySkus } from '../catalogue/product.repository.js';
import { reserveOrderStock } from '../inventory/stock.repository.js';
import { insertOrder } from '../orders/order.repository.js';
import { createDatabase } from '../database.js';
import type { Orm } from '../orm.js';
import { createUserRepository } from '../users/user.repository.js';

/** A customer to own orders (orders.user_id references users). */
export async function insertTestUser(orm: Orm): Promise<UserId> {
  const user = await createUserRepository(orm.em.fork()).insert({
    email: `user-${randomUUID()}@test.local`,
    name: 'Test',
    role: 'CUSTOMER',
    passwordHash: 'not-a-real-hash',
    createdAt: new Date(),
  });
  if (!user) throw new Error('test user not inserted');
  return asUserId(user.id);
}

/** Products with the given SKUs and stock, priced 100 cents each unless said otherwise. */
export async function insertTestProducts(
  orm: Orm,
  specs: readonly { sku: string; onHand: number; priceCents?: number }[],
): Promise<ProductRecord[]> {
  const em = createDatabase(orm);
  const created: ProductRecord[] = [];
  for (const spec of specs) {
    const product = await createProduct(em, {
      name: `Product ${spec.sku}`,
      priceCents: 100,
      ...spec,
      actor: 'test',
      at: new Date(),
    });
    if (!product) throw new Error(`product ${spec.sku} already exists`);
    created.push(product);
  }
  return created;
}

/**
 * Places an order the way the use case does — core decides, then one transaction inserts it and
 * reserves its stock — and returns it; throws if core or the reservation refuses.
 */
export async function placeTestOrder(
  orm: Orm,
  userId: UserId,
  lines: readonly { sku: string; quantity: number }[],
  options: { now?: Date; ttlMs?: number } = {},
): Promise<Order> {
  const now = options.now ?? new Date();
  return createDatabase(orm).transaction(async (em) => {
    const catalogue = await findProductsBySkus(
      em,
      lines.map((l) => l.sku),
    );
    const decided = placeOrder({
      id: asOrderId(randomUUID()),
      userId,
      lines: lines.map((l) => ({ sku: asSku(l.sku), quantity: l.quantity })),
      catalogue,
      now: now.getTime(),
      ttlMs: options.ttlMs,
    });
    if (!decided.ok) throw new Error(`order refused: ${decided.error.code}`);
    await insertOrder(em, decided.value);
    // Rejects (StockShortage) when a line's stock is not there.
    await reserveOrderStock(em, {
      orderId: decided.value.id,
      lines: decided.value.lines,
      actor: `user:${userId}`,
      at: now,
    });
    return decided.value;
  });
}

/** A product's stock as stored now. */
export async function stockOf(
  orm: Orm,
  sku: string,
): Promise<{ onHand: number; reserved: number }> {
  const [product] = await findProductsBySkus(createDatabase(orm), [sku]);
  if (!product) throw new Error(`no product ${sku}`);
  return { onHand: product.onHand, reserved: product.reserved };
}

/** Rows in a table (tests count what a refused operation did not write). */
export async function countRows(orm: Orm, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const rows = await createDatabase(orm).execute<{ n: number }[]>(
    `select count(*)::int as n from ${table}`,
  );
  return rows[0]?.n ?? 0;
}
