import type { WebhookDeliveryStatus } from '@orders/core';
import type { RunResult, Sql, Tx } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';

// Sending an event to an endpoint once more (`webhooks.redeliver`): the server plans it with core
// (a new delivery, one reset, or one marked to go again after the attempt in flight); these
// execute the plan, under the delivery's row lock.

/** Where an event's delivery to an endpoint stands, locked until the transaction ends. */
export interface WebhookDeliveryState {
  readonly id: string;
  readonly status: WebhookDeliveryStatus;
  readonly leaseUntil: Date | null;
}

/**
 * Locks the delivery of an event to an endpoint (for a redelivery); null when there is none. A
 * worker sending it is not waited for: its claim holds a lease, not a row lock.
 */
export async function lockWebhookDeliveryOf(
  tx: Tx,
  key: { endpointId: string; eventId: string },
): Promise<WebhookDeliveryState | null> {
  const rows = await tx.execute<
    { id: string; status: WebhookDeliveryStatus; lease_until: DbTime | null }[]
  >(
    `select id, status, lease_until from webhook_deliveries
      where endpoint_id = ? and event_id = ? for update`,
    [key.endpointId, key.eventId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const leaseUntil = row.lease_until === null ? null : new Date(epoch(row.lease_until));
  return { id: row.id, status: row.status, leaseUntil };
}

/**
 * A new PENDING delivery of a stored event to an endpoint, due at `now`. False when the event is
 * not stored (never was, or purged) or a delivery of it exists already.
 */
export async function insertRedelivery(
  tx: Tx,
  input: { id: string; endpointId: string; eventId: string; now: Date },
): Promise<boolean> {
  const result = await tx.execute<RunResult>(
    `insert into webhook_deliveries
       (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
     select ?::uuid, ?::uuid, e.id, 'PENDING', 0, ?::timestamptz, ?::timestamptz
       from events e where e.id = ?
     on conflict (endpoint_id, event_id) do nothing`,
    [input.id, input.endpointId, input.now, input.now, input.eventId],
    'run',
  );
  return result.affectedRows === 1;
}

/** Sets a delivery back to PENDING, due at `now`, its attempt log and count going on. */
export async function resetWebhookDelivery(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.execute(
    `update webhook_deliveries
        set status = 'PENDING', next_attempt_at = ?, delivered_at = null, lease_owner = null,
            lease_until = null, redeliver_requested = false
      where id = ?`,
    [now, id],
    'run',
  );
}

/** Marks a delivery being sent to go again once its attempt in flight is recorded. */
export async function requestWebhookRedelivery(tx: Tx, id: string): Promise<void> {
  await tx.execute(
    'update webhook_deliveries set redeliver_requested = true where id = ?',
    [id],
    'run',
  );
}

/** Whether an event is stored (a redelivery can only send what is kept). */
export async function isEventStored(db: Sql, eventId: string): Promise<boolean> {
  const rows = await db.execute<{ found: number }[]>('select 1 as found from events where id = ?', [
    eventId,
  ]);
  return rows.length === 1;
}
