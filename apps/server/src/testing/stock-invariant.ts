import { findStockDrift, type Orm } from '@orders/db';
import { expect } from 'vitest';

/**
 * The inventory invariant, for the end of every suite that moves stock: each product's
 * `on_hand`/`reserved` equal the sums of its `stock_movements` deltas, and `reserved` equals the
 * quantity its PENDING orders hold. Fails the test with the products that drifted.
 */
export async function expectStockConsistent(orm: Orm): Promise<void> {
  expect(await findStockDrift(orm.em.fork())).toEqual([]);
}

/** Rows in a table, to show that a refused request wrote nothing. */
export async function countRows(orm: Orm, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const rows = await orm.em
    .fork()
    .execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? 0;
}

/** Rows of the tables an order writes: orders, lines, events, stock movements. */
export async function countOrderRows(orm: Orm): Promise<Record<string, number>> {
  const tables = ['orders', 'order_lines', 'order_events', 'stock_movements'];
  return Object.fromEntries(
    await Promise.all(tables.map(async (table) => [table, await countRows(orm, table)] as const)),
  );
}

/** Which database the tests run on (the rule `createTestDatabase` follows). */
export function testDatabaseKind(): 'embedded' | 'server' {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === '' ? 'embedded' : 'server';
}

/**
 * A payment row under way (PROCESSING) for an order, written directly: the payments table
 * belongs to the payment code and may grow columns, so every other required column gets a
 * neutral value by its type.
 */
export async function insertPaymentInFlight(
  orm: Orm,
  order: { id: string; userId: string; amountCents: number },
): Promise<void> {
  const known: Record<string, unknown> = {
    id: crypto.randomUUID(),
    order_id: order.id,
    user_id: order.userId,
    status: 'PROCESSING',
    amount_cents: order.amountCents,
    currency: 'USD',
    card_last4: '4242',
    fraud_verdict: 'ALLOW',
    // Leased far into the future, so no payment worker picks it up and drives it.
    lease_owner: 'test',
    lease_until: new Date('2999-01-01T00:00:00Z'),
  };
  const em = orm.em.fork();
  const columns = await em.execute<{ column_name: string; data_type: string }[]>(
    `select column_name, data_type from information_schema.columns
      where table_schema = current_schema() and table_name = 'payments'
        and is_nullable = 'NO' and column_default is null`,
  );
  const byType = (type: string): unknown =>
    type === 'jsonb'
      ? '[]'
      : type.startsWith('timestamp')
        ? new Date()
        : /int|numeric/.test(type)
          ? 0
          : 'x';
  const values = new Map(Object.entries(known));
  for (const c of columns)
    if (!values.has(c.column_name)) values.set(c.column_name, byType(c.data_type));
  await em.execute(
    `insert into payments (${[...values.keys()].join(', ')})
     values (${[...values.keys()].map(() => '?').join(', ')})`,
    [...values.values()],
  );
}
