import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { runLoad, type RunResult } from './stats.js';
import { skuName } from './trpc-workload.js';

/**
 * The same logical work as plain SQL through `pg`, at the same concurrency: what PostgreSQL on
 * this machine can do, the bound for the server. Two transactions per checkout: (1) order + line +
 * conditional reserve; (2) payment + attempt + journal entry with two postings + confirm + stock
 * commit. Same schema, constraints and triggers as the server's database.
 */
export async function prepareSqlCheckouts(
  databaseUrl: string,
  input: { users: number; skus: number },
): Promise<{
  run(slice: { warmup: number; duration: number }): Promise<RunResult>;
  close(): Promise<void>;
}> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: input.users });
  try {
    const { userIds, productIds } = await seed(pool, input);
    return {
      run: (slice) =>
        runLoad(input.users, slice.warmup, slice.duration, async (user) => {
          const productIndex = Math.floor(Math.random() * input.skus);
          const productId = productIds[productIndex] ?? '';
          await checkout(pool, userIds[user] ?? '', productId, 100 + (productIndex % 900));
        }),
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function seed(pool: pg.Pool, input: { users: number; skus: number }) {
  const userIds = Array.from({ length: input.users }, () => randomUUID());
  for (const id of userIds) {
    await pool.query(
      `insert into users (id, email, role, password_hash) values ($1, $2, 'CUSTOMER', 'x')`,
      [id, `${id}@example.com`],
    );
  }
  const productIds = Array.from({ length: input.skus }, () => randomUUID());
  for (const [i, id] of productIds.entries()) {
    await pool.query(
      `insert into products (id, sku, name, price_cents, on_hand) values ($1, $2, $3, $4, 1000000)`,
      [id, skuName(i), `Bench product ${i}`, 100 + (i % 900)],
    );
  }
  return { userIds, productIds };
}

async function checkout(
  pool: pg.Pool,
  userId: string,
  productId: string,
  price: number,
): Promise<void> {
  const orderId = randomUUID();
  await transaction(pool, async (c) => {
    await c.query(
      `insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
       values ($1, $2, 'PENDING', 'USD', $3, now(), now() + interval '15 minutes', now())`,
      [orderId, userId, price],
    );
    await c.query(
      `insert into order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents, line_total_cents)
       values ($1, 1, $2, 'SKU', 'name', 1, $3, $3)`,
      [orderId, productId, price],
    );
    const reserved = await c.query(
      'update products set reserved = reserved + 1 where id = $1 and on_hand - reserved >= 1',
      [productId],
    );
    if (reserved.rowCount !== 1) throw new Error('out of stock');
  });
  const paymentId = randomUUID();
  const entryId = randomUUID();
  await transaction(pool, async (c) => {
    await c.query(
      `insert into payments (id, order_id, user_id, status, amount_cents, currency, card_brand, card_last4,
         card_fingerprint, gateway_token, fraud_score, fraud_verdict, fraud_signals, chain_head, created_at, updated_at)
       values ($1, $2, $3, 'SUCCESS', $4, 'USD', 'visa', '4242', 'fp', 'APPROVE', 0, 'ALLOW', '[]', 'h', now(), now())`,
      [paymentId, orderId, userId, price],
    );
    await c.query(
      `insert into payment_attempts (payment_id, attempt_no, outcome, latency_ms, at, prev_hash, hash)
       values ($1, 1, 'APPROVED', 0, now(), 'p', 'h')`,
      [paymentId],
    );
    await c.query(
      `insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
       values ($1, $2, 'CAPTURE', $3, 'USD', now(), 'p', 'h')`,
      [entryId, paymentId, `capture:${paymentId}`],
    );
    await c.query(
      `insert into postings (entry_id, account, amount_cents, currency)
       values ($1, 'assets:gateway_clearing', $2, 'USD'), ($1, 'revenue:sales', $3, 'USD')`,
      [entryId, price, -price],
    );
    await c.query(`update orders set status = 'CONFIRMED', updated_at = now() where id = $1`, [
      orderId,
    ]);
    await c.query(
      'update products set on_hand = on_hand - 1, reserved = reserved - 1 where id = $1',
      [productId],
    );
  });
}

async function transaction(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
