import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  asPaymentId,
  asProductId,
  asSku,
  asUserId,
  decidePayment,
  decideUpsert,
  placeOrder,
  type Order,
  type UserId,
} from '@orders/core';
import type { Database } from '../database.js';
import type { ProductRecord } from '../catalogue/product.mapper.js';
import { findProductsBySkus, upsertStatements } from '../catalogue/product.repository.js';
import { stockMoveStatements } from '../inventory/stock-moves.js';
import { insertOrderStatement } from '../orders/order.repository.js';
import type { StoredPayment } from '../payments/payment.mapper.js';
import { insertPaymentStatement } from '../payments/payment.repository.js';
import type { Orm } from '../orm.js';
import { createUserRepository } from '../users/user.repository.js';

// Test data written as production writes it: core decides, these statements execute.

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

/** New products with the given SKUs and stock, priced 100 cents each unless said otherwise. */
export async function insertTestProducts(
  db: Database,
  specs: readonly { sku: string; onHand: number; priceCents?: number; name?: string }[],
): Promise<ProductRecord[]> {
  const at = new Date();
  for (const spec of specs) {
    const plan = decideUpsert(
      null,
      { name: `Product ${spec.sku}`, priceCents: 100, ...spec, sku: asSku(spec.sku) },
      asProductId(randomUUID()),
    );
    if (!plan.ok) throw new Error(`product ${spec.sku} refused: ${plan.error.code}`);
    const written = await db.transaction((tx) =>
      tx.commitWith(upsertStatements(plan.value, { orderId: null, actor: 'test', at })),
    );
    if (!written.ok) throw new Error(`product ${spec.sku} already exists`);
  }
  return findProductsBySkus(
    db,
    specs.map((s) => s.sku),
  );
}

/**
 * Places an order as the use case does — core decides, one transaction inserts it and reserves
 * its stock — and returns it; throws if core or the reservation refuses.
 */
export async function placeTestOrder(
  db: Database,
  userId: UserId,
  lines: readonly { sku: string; quantity: number }[],
  options: { now?: Date; ttlMs?: number } = {},
): Promise<Order> {
  const now = options.now ?? new Date();
  const catalogue = await findProductsBySkus(
    db,
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
  const { order, reservations } = decided.value;
  const context = { orderId: order.id, actor: `user:${userId}`, at: now };
  const placed = await db.transaction((tx) =>
    tx.commitWith([insertOrderStatement(order), ...stockMoveStatements(reservations, context)]),
  );
  if (!placed.ok) throw new Error(`no stock for ${placed.error.move.sku}`);
  return order;
}

/**
 * The order's payment as `payments.pay` creates it — core's `decidePayment` with a card that
 * passes the fraud rules, so it is PROCESSING its first attempt — leased to `leaseOwner`, and
 * written in one transaction. Throws if core refuses (the order is not payable).
 */
export async function startTestPayment(
  db: Database,
  order: Order,
  options: { now?: Date; cardFingerprint?: string; leaseOwner?: string } = {},
): Promise<StoredPayment> {
  const now = options.now ?? new Date();
  const decided = decidePayment({
    id: asPaymentId(randomUUID()),
    order,
    existingPayment: null,
    card: { brand: 'visa', last4: '4242' },
    fraud: { score: 0, verdict: 'ALLOW', signals: [] },
    now: now.getTime(),
    lines: order.lines,
  });
  if (!decided.ok) throw new Error(`payment refused: ${decided.error.code}`);
  if (decided.value.kind !== 'started') throw new Error('payment rejected by fraud rules');
  const payment: StoredPayment = {
    ...decided.value.payment,
    cardFingerprint: options.cardFingerprint ?? 'fp_test',
    gatewayToken: 'APPROVE',
    leaseOwner: options.leaseOwner ?? 'test-driver',
    leaseUntil: now.getTime() + 60_000,
  };
  const written = await db.transaction((tx) => tx.commitWith([insertPaymentStatement(payment)]));
  if (!written.ok) throw new Error('payment not written');
  return payment;
}

/** A product's stock as stored now. */
export async function stockOf(
  db: Database,
  sku: string,
): Promise<{ onHand: number; reserved: number }> {
  const [product] = await findProductsBySkus(db, [sku]);
  if (!product) throw new Error(`no product ${sku}`);
  return { onHand: product.onHand, reserved: product.reserved };
}

/** Rows in a table (tests count what a refused operation did not write). */
export async function countRows(db: Database, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const rows = await db.execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? 0;
}
