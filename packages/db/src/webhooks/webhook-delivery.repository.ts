import type { WebhookDeliveryStatus } from '@orders/core';
import type { RunResult, Sql, Tx } from '../database.js';
import { formatEventCursor } from '../events/event-cursor.js';
import type { StoredEvent } from '../events/event.repository.js';
import { epoch, type DbTime } from '../sql-values.js';
import { statement, type Statement } from '../statement.js';
import {
  toEndpoint,
  type EndpointRow,
  type WebhookEndpoint,
} from './webhook-endpoint.repository.js';

// Webhook deliveries (DESIGN §2 Delivery): one per (endpoint, event), claimed under a lease, and
// the log of their attempts. The server decides (with core) what to write; these execute it.

export interface NewWebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly now: Date;
}

/**
 * Creates PENDING deliveries, due at once; a delivery that exists already for the same
 * (endpoint, event) is left alone, so a fan-out repeated after a crash adds nothing twice.
 * Returns how many were created.
 */
export async function insertWebhookDeliveries(
  db: Sql,
  deliveries: readonly NewWebhookDelivery[],
): Promise<number> {
  if (deliveries.length === 0) return 0;
  const docs = deliveries.map((d) => ({
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    now: d.now.toISOString(),
  }));
  const result = await db.execute<RunResult>(
    `insert into webhook_deliveries
       (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
     select (d ->> 'id')::uuid, (d ->> 'endpointId')::uuid, d ->> 'eventId', 'PENDING', 0,
            (d ->> 'now')::timestamptz, (d ->> 'now')::timestamptz
       from jsonb_array_elements(?::jsonb) as d
     on conflict (endpoint_id, event_id) do nothing`,
    [JSON.stringify(docs)],
    'run',
  );
  return result.affectedRows;
}

/** A delivery claimed for sending, with what sending it takes. */
export interface ClaimedWebhookDelivery {
  readonly id: string;
  readonly attempts: number;
  readonly endpoint: WebhookEndpoint;
  /** Null when the event is gone (purged by retention). */
  readonly event: StoredEvent | null;
}

interface ClaimRow extends EndpointRow {
  delivery_id: string;
  attempts: number;
  event_id: string;
  event_type: string | null;
  event_created_at: DbTime | null;
  cursor_xid: string | null;
  cursor_seq: string | null;
  aggregate_type: string | null;
  aggregate_id: string | null;
  aggregate_version: number | null;
  owner_id: string | null;
  data: unknown;
}

/**
 * Claims up to `limit` due deliveries (PENDING or RETRY, `next_attempt_at <= now`) of enabled
 * endpoints whose lease is free or run out, `for update skip locked`: instances never wait on each
 * other and never claim the same delivery at once. The lease lasts until `leaseUntil`.
 */
export async function claimDueWebhookDeliveries(
  db: Sql,
  input: { owner: string; now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedWebhookDelivery[]> {
  const rows = await db.execute<ClaimRow[]>(
    `with claimed as (
       update webhook_deliveries set lease_owner = ?, lease_until = ?
        where id in (
          select d.id from webhook_deliveries d
            join webhook_endpoints w on w.id = d.endpoint_id
           where d.status in ('PENDING', 'RETRY') and d.next_attempt_at <= ?
             and (d.lease_until is null or d.lease_until < ?) and w.enabled
           order by d.next_attempt_at
           limit ?
           for update of d skip locked)
       returning id, endpoint_id, event_id, attempts)
     select c.id as delivery_id, c.attempts, c.event_id,
            w.id, w.url, w.description, w.types, w.secret, w.enabled, w.consecutive_failures,
            w.disabled_reason, w.created_at, w.updated_at,
            e.type as event_type, e.created_at as event_created_at,
            e.xid::text as cursor_xid, e.seq::text as cursor_seq,
            e.aggregate_type, e.aggregate_id, e.aggregate_version, e.owner_id, e.data
       from claimed c
       join webhook_endpoints w on w.id = c.endpoint_id
       left join events e on e.id = c.event_id`,
    [input.owner, input.leaseUntil, input.now, input.now, input.limit],
  );
  return rows.map((row) => ({
    id: row.delivery_id,
    attempts: row.attempts,
    endpoint: toEndpoint(row),
    event:
      row.event_type === null || row.event_created_at === null
        ? null
        : {
            id: row.event_id,
            type: row.event_type,
            createdAt: new Date(epoch(row.event_created_at)),
            cursor: formatEventCursor(row.cursor_xid ?? '0', row.cursor_seq ?? '0'),
            aggregateType: row.aggregate_type ?? '',
            aggregateId: row.aggregate_id ?? '',
            aggregateVersion: row.aggregate_version ?? 1,
            ownerId: row.owner_id,
            data: row.data,
          },
  }));
}

/** A claimed delivery as it stands when its attempt is recorded, locked until the end. */
export interface HeldWebhookDelivery {
  /** An admin asked for the event again while the attempt was in flight. */
  readonly redeliverRequested: boolean;
}

/**
 * Locks a delivery for recording its attempt number `attemptNo` — only if `owner` still holds
 * its lease and no other attempt was recorded since the claim (`attempts = attemptNo - 1`).
 * Null: the delivery is no longer this owner's to record (its lease ran out and another worker
 * took it, or the endpoint was deleted).
 */
export async function lockClaimedWebhookDelivery(
  tx: Tx,
  claim: { deliveryId: string; owner: string; attemptNo: number },
): Promise<HeldWebhookDelivery | null> {
  const rows = await tx.execute<{ redeliver_requested: boolean }[]>(
    `select redeliver_requested from webhook_deliveries
      where id = ? and lease_owner = ? and attempts = ? for update`,
    [claim.deliveryId, claim.owner, claim.attemptNo - 1],
  );
  const row = rows[0];
  return row === undefined ? null : { redeliverRequested: row.redeliver_requested };
}

export interface WebhookAttemptRecord {
  readonly deliveryId: string;
  readonly attemptNo: number;
  readonly at: Date;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly status: WebhookDeliveryStatus;
  /** When the next attempt is due (RETRY, PENDING); otherwise left as it was. */
  readonly nextAttemptAt: Date | null;
}

/**
 * Logs an attempt of a delivery locked by {@link lockClaimedWebhookDelivery} and writes its new
 * state: the lease is given up and any redelivery request is taken as handled. Statements to send
 * with the transaction's others.
 */
export function recordWebhookAttempt(record: WebhookAttemptRecord): Statement[] {
  return [
    statement(
      `update webhook_deliveries
          set status = ?, attempts = ?, next_attempt_at = coalesce(?, next_attempt_at),
              last_status = ?, last_error = ?, lease_owner = null, lease_until = null,
              redeliver_requested = false,
              delivered_at = case when ? = 'DELIVERED' then ?::timestamptz else delivered_at end
        where id = ?`,
      [
        record.status,
        record.attemptNo,
        record.nextAttemptAt,
        record.statusCode,
        record.error,
        record.status,
        record.at,
        record.deliveryId,
      ],
    ),
    statement(
      `insert into webhook_delivery_attempts
         (delivery_id, attempt_no, at, status_code, latency_ms, error) values (?, ?, ?, ?, ?, ?)`,
      [
        record.deliveryId,
        record.attemptNo,
        record.at,
        record.statusCode,
        record.latencyMs,
        record.error,
      ],
    ),
  ];
}

/** Gives up this owner's delivery leases at once (clean shutdown). */
export async function releaseWebhookLeases(db: Sql, owner: string): Promise<number> {
  const result = await db.execute<RunResult>(
    `update webhook_deliveries set lease_owner = null, lease_until = null
      where lease_owner = ? and status in ('PENDING', 'RETRY')`,
    [owner],
    'run',
  );
  return result.affectedRows;
}
