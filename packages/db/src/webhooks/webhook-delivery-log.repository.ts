import type { WebhookDeliveryStatus } from '@orders/core';
import type { Sql } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';

// The delivery log an admin reads (`webhooks.deliveries`): each delivery with every attempt.

export interface WebhookAttempt {
  readonly attemptNo: number;
  readonly at: Date;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  readonly log: readonly WebhookAttempt[];
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: DbTime;
  last_status: number | null;
  last_error: string | null;
  created_at: DbTime;
  delivered_at: DbTime | null;
  log: {
    attemptNo: number;
    at: string;
    statusCode: number | null;
    latencyMs: number;
    error: string | null;
  }[];
}

/**
 * An endpoint's deliveries, newest first, with their attempt logs; of one event when `eventId`
 * is given; after the delivery `cursor` (a delivery id from the previous page) when given.
 */
export async function listWebhookDeliveries(
  db: Sql,
  query: {
    endpointId: string;
    eventId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<WebhookDelivery[]> {
  const rows = await db.execute<DeliveryRow[]>(
    `select d.id, d.endpoint_id, d.event_id, d.status, d.attempts, d.next_attempt_at,
            d.last_status, d.last_error, d.created_at, d.delivered_at,
            coalesce((select jsonb_agg(jsonb_build_object(
                        'attemptNo', a.attempt_no, 'at', a.at, 'statusCode', a.status_code,
                        'latencyMs', a.latency_ms, 'error', a.error) order by a.attempt_no)
                        from webhook_delivery_attempts a where a.delivery_id = d.id),
                     '[]'::jsonb) as log
       from webhook_deliveries d
      where d.endpoint_id = ?
        and (?::text is null or d.event_id = ?::text)
        and (?::uuid is null or (d.created_at, d.id) < (
              select c.created_at, c.id from webhook_deliveries c where c.id = ?::uuid))
      order by d.created_at desc, d.id desc
      limit ?`,
    [
      query.endpointId,
      query.eventId ?? null,
      query.eventId ?? null,
      query.cursor ?? null,
      query.cursor ?? null,
      query.limit,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: new Date(epoch(row.next_attempt_at)),
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: new Date(epoch(row.created_at)),
    deliveredAt: row.delivered_at === null ? null : new Date(epoch(row.delivered_at)),
    log: (typeof row.log === 'string' ? (JSON.parse(row.log) as DeliveryRow['log']) : row.log).map(
      (a) => ({ ...a, at: new Date(a.at) }),
    ),
  }));
}
