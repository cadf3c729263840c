import pg from 'pg';

/** What `corruptRefunds` broke: the ids the checks must name. */
export interface RefundCorruptions {
  /** A SUCCEEDED refund given a second REFUND entry. */
  readonly doubledEntry: string;
  /** A FAILED refund given a REFUND entry. */
  readonly entryOfFailed: string;
  /** A paid order whose units came back on the shelf (more than it bought) without a refund. */
  readonly overRestocked: string;
  /** A CONFIRMED order, without a refund, marked REFUNDED. */
  readonly refundedWithoutRefunds: string;
  /** A REFUNDED order's payment, refunded once more beyond its capture by a refund no key made. */
  readonly overCap: string;
}

/**
 * Refund bugs the invariants exist to catch, written straight into a settled database. Journal
 * entries, postings and stock movements are append-only (triggers refuse UPDATE and DELETE), so
 * each corruption adds rows, as a buggy writer would; an entry goes in with its postings in one
 * transaction, balanced, for the deferred balance trigger to let it in.
 */
export async function corruptRefunds(databaseUrl: string): Promise<RefundCorruptions> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async (sql: string): Promise<string> => {
      const { rows } = await db.query<{ id: string }>(sql);
      const id = rows[0]?.id;
      if (id === undefined) throw new Error(`the load left nothing to corrupt: ${sql}`);
      return id;
    };
    const unrefunded = `select o.id from orders o where o.status = 'CONFIRMED'
      and not exists (select 1 from refunds r where r.order_id = o.id)`;
    const targets: RefundCorruptions = {
      doubledEntry: await one(`select id from refunds where status = 'SUCCEEDED' limit 1`),
      entryOfFailed: await one(`select id from refunds where status = 'FAILED' limit 1`),
      overRestocked: await one(`${unrefunded} order by o.id limit 1`),
      refundedWithoutRefunds: await one(`${unrefunded} order by o.id desc limit 1`),
      overCap: await one(
        `select p.id from payments p join orders o on o.id = p.order_id
          where o.status = 'REFUNDED' limit 1`,
      ),
    };
    // A refund posted twice, and a refund that never went through posted.
    await addRefundEntry(db, targets.doubledEntry, 'refund-again:');
    await addRefundEntry(db, targets.entryOfFailed, 'refund:');
    // Units put back on the shelf, one more than the order bought, with no refund behind them.
    await db.query(
      `with line as (select product_id, quantity + 1 as units from order_lines where order_id = $1),
            moved as (update products p set on_hand = on_hand + line.units from line
                       where p.id = line.product_id returning p.id)
       insert into stock_movements (product_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor, at)
       select product_id, 'RESTOCK', units, 0, $1, 'corrupted', 'fault-suite', now() from line`,
      [targets.overRestocked],
    );
    await db.query(`update orders set status = 'REFUNDED' where id = $1`, [
      targets.refundedWithoutRefunds,
    ]);
    // All of an already refunded capture given back again: past the cap.
    await db.query(
      `insert into refunds (id, payment_id, order_id, user_id, amount_cents, currency, reason,
                            status, restock, created_at, settled_at, updated_at)
       select gen_random_uuid(), p.id, p.order_id, p.user_id, p.amount_cents, p.currency,
              'duplicate', 'SUCCEEDED', '[]', now(), now(), now()
         from payments p where p.id = $1`,
      [targets.overCap],
    );
    return targets;
  } finally {
    await db.end();
  }
}

/** A balanced REFUND entry of the refund's amount, under its payment, referenced `<prefix><id>`. */
async function addRefundEntry(db: pg.Client, refundId: string, prefix: string): Promise<void> {
  await db.query('begin');
  await db.query(
    `with entry as (
       insert into journal_entries (id, payment_id, refund_id, kind, reference, currency, created_at, prev_hash, hash)
       select gen_random_uuid(), payment_id, id, 'REFUND', $2 || id, currency, now(), 'x', 'x'
         from refunds where id = $1
       returning id)
     insert into postings (entry_id, account, amount_cents, currency)
     select entry.id, a.account, a.sign * r.amount_cents, r.currency
       from entry cross join refunds r
      cross join (values ('revenue:refunds', 1), ('assets:gateway_clearing', -1)) a (account, sign)
      where r.id = $1`,
    [refundId, prefix],
  );
  await db.query('commit');
}
