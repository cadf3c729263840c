import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** What `corruptEvents` broke: the ids the event checks must name. */
export interface EventCorruptions {
  /** A CONFIRMED order whose order.confirmed is gone. */
  readonly missingConfirmed: string;
  /** An order whose order.created is gone. */
  readonly missingCreated: string;
  /** A SUCCESS payment with a second payment.succeeded. */
  readonly doubledSucceeded: string;
  /** A FAILED order given an order.confirmed. */
  readonly confirmedOfFailed: string;
  /** A customer-cancelled order whose order.cancelled now says `expired`. */
  readonly wrongReason: string;
  /** A REFUNDED order whose order.refunded is gone. */
  readonly missingRefundMove: string;
  /** A payment with a failed attempt whose payment.attempt_failed is gone. */
  readonly missingAttemptFailed: string;
  /** A FAILED refund given a refund.succeeded. */
  readonly succeededOfFailedRefund: string;
  /** A payment whose last event skipped a version. */
  readonly versionGap: string;
  /** A refund whose refund.created was written again, after its other events. */
  readonly reordered: string;
  /** A payment.succeeded (event id) whose object says FAILED_FINAL. */
  readonly alteredObject: string;
  /** A refund event (event id) owned by another customer. */
  readonly wrongOwner: string;
  /** A product (SKU) given a product.updated by no admin change (as a reservation would). */
  readonly productEvent: string;
  /** An event (id) stamped with a transaction id no reader's horizon reaches: never listed. */
  readonly unlisted: string;
}

interface EventRow {
  id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  owner_id: string | null;
  data: unknown;
  created_at: Date;
}

/**
 * Outbox bugs the event invariants exist to catch, written straight into a settled database.
 * The table refuses UPDATE, and DELETE unless the transaction set `orders.events_purge`: an
 * event is altered by deleting it and inserting it again (with a new sequence number and the
 * transaction's id, so it moves to the end of the cursor order), as a buggy writer would.
 */
export async function corruptEvents(databaseUrl: string): Promise<EventCorruptions> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async (sql: string): Promise<string> => {
      const { rows } = await db.query<{ id: string }>(sql);
      const id = rows[0]?.id;
      if (id === undefined) throw new Error(`the load left nothing to corrupt: ${sql}`);
      return id;
    };
    const eventOf = async (aggregateId: string, type: string, last = true): Promise<EventRow> => {
      const { rows } = await db.query<EventRow>(
        `select * from events where aggregate_id = $1 and type = $2
          order by aggregate_version ${last ? 'desc' : 'asc'} limit 1`,
        [aggregateId, type],
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no ${type} of ${aggregateId} to corrupt`);
      return row;
    };
    const nextVersion = async (aggregateId: string): Promise<number> => {
      const { rows } = await db.query<{ v: number }>(
        'select max(aggregate_version) + 1 as v from events where aggregate_id = $1',
        [aggregateId],
      );
      return rows[0]?.v ?? 1;
    };
    const purge = async (work: () => Promise<unknown>) => {
      await db.query('begin');
      await db.query("set local orders.events_purge = 'on'");
      await work();
      await db.query('commit');
    };
    const remove = (id: string) => db.query('delete from events where id = $1', [id]);
    const insert = (row: EventRow, xid?: string) =>
      db.query(
        `insert into events (id, type, aggregate_type, aggregate_id, aggregate_version, owner_id,
                             data, created_at, xid)
         values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::xid8, pg_current_xact_id()))`,
        [
          row.id,
          row.type,
          row.aggregate_type,
          row.aggregate_id,
          row.aggregate_version,
          row.owner_id,
          JSON.stringify(row.data),
          row.created_at,
          xid ?? null,
        ],
      );
    const rewrite = (row: EventRow, changes: Partial<EventRow>) =>
      purge(async () => {
        await remove(row.id);
        await insert({ ...row, ...changes });
      });
    const copy = async (row: EventRow, changes: Partial<EventRow>, xid?: string) => {
      const version = await nextVersion(row.aggregate_id);
      const id = `evt_${randomUUID()}`;
      await insert({ ...row, id, aggregate_version: version, ...changes }, xid);
      return id;
    };
    const withObject = (row: EventRow, fields: Record<string, unknown>) => {
      const data = row.data as { object: Record<string, unknown> };
      return { ...data, object: { ...data.object, ...fields } };
    };

    const unrefundedConfirmed = `select o.id from orders o where o.status = 'CONFIRMED'
      and not exists (select 1 from refunds r where r.order_id = o.id)`;
    const succeeded = `select p.id from payments p where p.status = 'SUCCESS'
      and not exists (select 1 from refunds r where r.payment_id = p.id)`;
    const targets = {
      missingConfirmed: await one(`${unrefundedConfirmed} order by o.created_at limit 1`),
      missingCreated: await one(
        `select id from orders where status = 'FAILED' order by id desc limit 1`,
      ),
      doubledSucceeded: await one(`${succeeded} order by p.created_at limit 1`),
      confirmedOfFailed: await one(
        `select id from orders where status = 'FAILED' order by id limit 1`,
      ),
      wrongReason: await one(`select id from orders where status = 'CANCELLED'
        and exists (select 1 from events e where e.aggregate_id = orders.id::text
                     and e.type = 'order.cancelled' and e.data->>'reason' = 'customer') limit 1`),
      missingRefundMove: await one(`select id from orders where status = 'REFUNDED'
        and exists (select 1 from events e where e.aggregate_id = orders.id::text
                     and e.type = 'order.refunded') limit 1`),
      missingAttemptFailed: await one(`select p.id from payments p
        where p.gateway_token = 'TIMEOUT_TWICE' and p.status = 'SUCCESS' order by p.id limit 1`),
      succeededOfFailedRefund: await one(`select id from refunds where status = 'FAILED' limit 1`),
      versionGap: await one(`${succeeded} order by p.created_at limit 1 offset 1`),
      reordered: await one(`select id from refunds where status = 'SUCCEEDED' order by id limit 1`),
    };

    await purge(async () => {
      await remove((await eventOf(targets.missingConfirmed, 'order.confirmed')).id);
      await remove((await eventOf(targets.missingCreated, 'order.created')).id);
      await remove((await eventOf(targets.missingRefundMove, 'order.refunded')).id);
      await remove((await eventOf(targets.missingAttemptFailed, 'payment.attempt_failed')).id);
    });
    const paid = await eventOf(targets.doubledSucceeded, 'payment.succeeded');
    await copy(paid, {});
    const failed = await eventOf(targets.confirmedOfFailed, 'order.failed');
    await copy(failed, {
      type: 'order.confirmed',
      data: withObject(failed, { status: 'CONFIRMED' }),
    });
    const refundFailed = await eventOf(targets.succeededOfFailedRefund, 'refund.failed');
    await copy(refundFailed, {
      type: 'refund.succeeded',
      data: withObject(refundFailed, { status: 'SUCCEEDED' }),
    });
    const cancelled = await eventOf(targets.wrongReason, 'order.cancelled');
    await rewrite(cancelled, { data: { ...(cancelled.data as object), reason: 'expired' } });
    const last = await eventOf(targets.versionGap, 'payment.succeeded');
    await rewrite(last, { aggregate_version: last.aggregate_version + 1 });
    await rewrite(await eventOf(targets.reordered, 'refund.created', false), {});

    const altered = await eventOf(
      await one(`${succeeded} order by p.created_at limit 1 offset 2`),
      'payment.succeeded',
    );
    await rewrite(altered, { data: withObject(altered, { status: 'FAILED_FINAL' }) });
    const owned = await eventOf(
      await one(`select id from refunds where status = 'SUCCEEDED' order by id desc limit 1`),
      'refund.succeeded',
    );
    const stranger = await one(
      `select id from users where id::text <> '${owned.owner_id}' limit 1`,
    );
    await rewrite(owned, { owner_id: stranger });

    const product = async (sku: string) =>
      eventOf(await one(`select id from products where sku = '${sku}'`), 'product.updated');
    const mug = await product('FAULT-MUG');
    await copy(mug, { data: withObject(mug, { reserved: 1, available: 99_999 }) });
    // A transaction id far beyond the current one: below no reader's horizon, so never listed.
    const [{ xid } = { xid: '0' }] = (
      await db.query<{ xid: string }>(
        `select (pg_current_xact_id()::text::bigint + 1000000000)::text as xid`,
      )
    ).rows;
    const unlisted = await copy(await product('FAULT-CAP'), {}, xid);

    return {
      ...targets,
      alteredObject: altered.id,
      wrongOwner: owned.id,
      productEvent: 'FAULT-MUG',
      unlisted,
    };
  } finally {
    await db.end();
  }
}
