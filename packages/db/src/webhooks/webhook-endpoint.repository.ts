import type { RunResult, Sql, Tx } from '../database.js';
import { epoch, type DbTime } from '../sql-values.js';
import { statement, type Statement } from '../statement.js';

// Webhook endpoints (DESIGN §2 Delivery): the receivers an admin registered. The server decides
// (with core) what to write; these functions only execute it.

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly types: readonly string[] | null;
  readonly secret: string;
  readonly enabled: boolean;
  readonly consecutiveFailures: number;
  readonly disabledReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  types: string[] | null;
  secret: string;
  enabled: boolean;
  consecutive_failures: number;
  disabled_reason: string | null;
  created_at: DbTime;
  updated_at: DbTime;
}

export const ENDPOINT_COLUMNS = `id, url, description, types, secret, enabled, consecutive_failures,
  disabled_reason, created_at, updated_at`;

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    types: row.types,
    secret: row.secret,
    enabled: row.enabled,
    consecutiveFailures: row.consecutive_failures,
    disabledReason: row.disabled_reason,
    createdAt: new Date(epoch(row.created_at)),
    updatedAt: new Date(epoch(row.updated_at)),
  };
}

export async function insertWebhookEndpoint(db: Sql, endpoint: WebhookEndpoint): Promise<void> {
  await db.execute(
    `insert into webhook_endpoints (${ENDPOINT_COLUMNS})
     values (?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?)`,
    [
      endpoint.id,
      endpoint.url,
      endpoint.description,
      endpoint.types,
      endpoint.secret,
      endpoint.enabled,
      endpoint.consecutiveFailures,
      endpoint.disabledReason,
      endpoint.createdAt,
      endpoint.updatedAt,
    ],
    'run',
  );
}

/** Every endpoint, oldest first; only the enabled ones when `enabledOnly`. */
export async function listWebhookEndpoints(
  db: Sql,
  enabledOnly = false,
): Promise<WebhookEndpoint[]> {
  const rows = await db.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints
      where enabled or not ? order by created_at, id`,
    [enabledOnly],
  );
  return rows.map(toEndpoint);
}

export async function findWebhookEndpoint(db: Sql, id: string): Promise<WebhookEndpoint | null> {
  const rows = await db.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where id = ?`,
    [id],
  );
  const row = rows[0];
  return row === undefined ? null : toEndpoint(row);
}

/**
 * Reads an endpoint and locks it until the transaction ends: attempts recorded for it one after
 * another see each other's failure streak. Null when there is none.
 */
export async function lockWebhookEndpoint(tx: Tx, id: string): Promise<WebhookEndpoint | null> {
  const rows = await tx.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where id = ? for update`,
    [id],
  );
  const row = rows[0];
  return row === undefined ? null : toEndpoint(row);
}

export interface WebhookEndpointChange {
  readonly enabled: boolean;
  readonly types: readonly string[] | null;
  readonly consecutiveFailures: number;
  readonly disabledReason: string | null;
  readonly updatedAt: Date;
}

const UPDATE_ENDPOINT = `update webhook_endpoints
    set enabled = ?, types = ?::text[], consecutive_failures = ?, disabled_reason = ?,
        updated_at = ?
  where id = ?`;

function updateParams(id: string, change: WebhookEndpointChange): unknown[] {
  return [
    change.enabled,
    change.types,
    change.consecutiveFailures,
    change.disabledReason,
    change.updatedAt,
    id,
  ];
}

/** Writes an endpoint's new settings (as the server decided them); null when there is none. */
export async function updateWebhookEndpoint(
  db: Sql,
  id: string,
  change: WebhookEndpointChange,
): Promise<WebhookEndpoint | null> {
  const rows = await db.execute<EndpointRow[]>(
    `${UPDATE_ENDPOINT} returning ${ENDPOINT_COLUMNS}`,
    updateParams(id, change),
  );
  const row = rows[0];
  return row === undefined ? null : toEndpoint(row);
}

/** The same write as {@link updateWebhookEndpoint}, to send with a transaction's others. */
export function updateWebhookEndpointStatement(
  id: string,
  change: WebhookEndpointChange,
): Statement {
  return statement(UPDATE_ENDPOINT, updateParams(id, change));
}

/** Deletes an endpoint with its deliveries and their log; false when there was none. */
export async function deleteWebhookEndpoint(db: Sql, id: string): Promise<boolean> {
  const result = await db.execute<RunResult>(
    'delete from webhook_endpoints where id = ?',
    [id],
    'run',
  );
  return result.affectedRows === 1;
}
