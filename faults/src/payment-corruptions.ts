import pg from 'pg';

/** What the invariants exist to catch, written straight into the database. */
export async function corruptPayments(
  databaseUrl: string,
  targets: {
    doubled: string;
    reverted: string;
    reopened: string;
    reattempted: string;
    keylessOrder: string;
    keylessCopy: string;
    keyedOrder: string;
  },
): Promise<void> {
  const { doubled, reverted, reopened, reattempted, keylessOrder, keylessCopy, keyedOrder } =
    targets;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // A second capture of a captured payment: a double charge, balanced so the trigger lets it in.
    await db.query('begin');
    await db.query(
      `insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
       select gen_random_uuid(), id, 'CAPTURE', 'capture-again:' || id, currency, now(), 'x', 'x'
         from payments where id = $1`,
      [doubled],
    );
    await db.query(
      `insert into postings (entry_id, account, amount_cents, currency)
       select j.id, a.account, a.sign * p.amount_cents, p.currency
         from journal_entries j join payments p on p.id = j.payment_id
        cross join (values ('assets:gateway_clearing', 1), ('revenue:sales', -1)) a (account, sign)
        where j.reference = 'capture-again:' || $1`,
      [doubled],
    );
    await db.query('commit');
    // An order no client asked for.
    await db.query(
      `insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
       select gen_random_uuid(), user_id, 'CANCELLED', currency, total_cents, now(), now(), now()
         from orders limit 1`,
    );
    // A keyless order placed twice, as a retry of its create would have: same customer, same line.
    await db.query(
      `insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
       select $2, user_id, 'CANCELLED', currency, total_cents, created_at, expires_at, updated_at
         from orders where id = $1`,
      [keylessOrder, keylessCopy],
    );
    await db.query(
      `insert into order_lines (order_id, line_no, product_id, sku, name, quantity, unit_price_cents, line_total_cents)
       select $2, line_no, product_id, sku, name, quantity, unit_price_cents, line_total_cents
         from order_lines where order_id = $1`,
      [keylessOrder, keylessCopy],
    );
    // A second key, no client's, naming an order a key already made.
    await db.query(
      `insert into idempotency_keys (user_id, scope, key, request_hash, state, resource_id, created_at)
       select user_id, 'orders.create', 'order-never-sent', 'x', 'COMPLETED', id, now()
         from orders where id = $1`,
      [keyedOrder],
    );
    // Reserved stock nobody holds.
    await db.query(`update products set reserved = reserved + 1 where sku = 'FAULT-MUG'`);
    // A success a client was told about, turned into a decline.
    await db.query(
      `update payments set status = 'FAILED_FINAL', failure_code = 'CARD_DECLINED' where id = $1`,
      [reverted],
    );
    // A success reopened for another attempt: no longer final.
    await db.query(`update payments set status = 'RETRY', next_attempt_at = now() where id = $1`, [
      reopened,
    ]);
    // The gateway approving a captured payment a second time: a repeated attempt.
    await db.query(
      `insert into payment_attempts (payment_id, attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash)
       select payment_id, attempt_no + 1, outcome, code, gateway_ref, latency_ms, now(), hash, hash
         from payment_attempts where payment_id = $1 and attempt_no = 1`,
      [reattempted],
    );
  } finally {
    await db.end();
  }
}
