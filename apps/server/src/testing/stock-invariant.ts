import { asOrderId, asPaymentId, asUserId, GENESIS_HASH, money } from '@orders/core';
import { findStockDrift, insertPaymentStatement, type Database } from '@orders/db';
import { expect } from 'vitest';

/**
 * The inventory invariant, for the end of every suite that moves stock: each product's
 * `on_hand`/`reserved` equal the sums of its `stock_movements` deltas, and `reserved` equals the
 * quantity its PENDING orders hold. Fails the test with the products that drifted.
 */
export async function expectStockConsistent(db: Database): Promise<void> {
  expect(await findStockDrift(db)).toEqual([]);
}

/** Rows in a table, to show that a refused request wrote nothing. */
export async function countRows(db: Database, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const rows = await db.execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? 0;
}

/** Rows of the tables an order writes: orders, lines, events, stock movements. */
export async function countOrderRows(db: Database): Promise<Record<string, number>> {
  const tables = ['orders', 'order_lines', 'order_events', 'stock_movements'];
  return Object.fromEntries(
    await Promise.all(tables.map(async (table) => [table, await countRows(db, table)] as const)),
  );
}

/** Which database the tests run on (the rule `createTestDatabase` follows). */
export function testDatabaseKind(): 'embedded' | 'server' {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === '' ? 'embedded' : 'server';
}

/**
 * A payment under way (PROCESSING) for an order, written through the repository. It is leased
 * far into the future, so no payment worker picks it up and drives it.
 */
export async function insertPaymentInFlight(
  db: Database,
  order: { id: string; userId: string; amountCents: number },
): Promise<void> {
  const statement = insertPaymentStatement({
    id: asPaymentId(crypto.randomUUID()),
    orderId: asOrderId(order.id),
    userId: asUserId(order.userId),
    status: 'PROCESSING',
    amount: money(order.amountCents),
    failureCode: null,
    card: { brand: 'visa', last4: '4242' },
    fraud: { score: 0, verdict: 'ALLOW', signals: [] },
    nextAttemptAt: null,
    chainHead: GENESIS_HASH,
    createdAt: Date.now(),
    cardFingerprint: 'fp_test',
    gatewayToken: 'APPROVE',
    leaseOwner: 'test',
    leaseUntil: Date.parse('2999-01-01T00:00:00Z'),
  });
  await db.execute(statement.sql, statement.params);
}
