import type { RunResult, Sql } from '../database.js';
import type { IdempotencyKeyState } from './idempotency-key.entity.js';

/** What is stored for a key someone already claimed. */
export interface IdempotencyKeyRecord {
  readonly requestHash: string;
  readonly state: IdempotencyKeyState;
  /** The created resource (order, payment) once COMPLETED. */
  readonly resourceId: string | null;
}

export type ClaimResult =
  { readonly claimed: true } | { readonly claimed: false; readonly record: IdempotencyKeyRecord };

interface KeyRow {
  request_hash: string;
  state: IdempotencyKeyState;
  resource_id: string | null;
}

interface KeyId {
  readonly userId: string;
  readonly scope: string;
  readonly key: string;
}

/**
 * Claims `(userId, scope, key)` for the resource the caller is about to create in the same
 * transaction, with one `insert … on conflict do nothing`: the primary key decides who is first,
 * even across instances. The key is stored COMPLETED at once, so it commits with the resource or,
 * on a rollback, not at all (a failed request leaves its key free for a retry). A second request
 * with the key waits for the first one's transaction, then gets the stored record to decide on
 * (core's `decideIdempotency`: replay or KEY_REUSED).
 */
export async function claimIdempotencyKey(
  db: Sql,
  input: KeyId & { requestHash: string; at: Date; resourceId: string },
): Promise<ClaimResult> {
  // Two tries: a record seen by the conflict can vanish (purged) before it is read.
  for (let tries = 0; tries < 2; tries++) {
    const inserted = await db.execute<RunResult>(
      `insert into idempotency_keys
         (user_id, scope, key, request_hash, state, resource_id, locked_at, created_at)
       values (?, ?, ?, ?, 'COMPLETED', ?, null, ?)
       on conflict (user_id, scope, key) do nothing`,
      [input.userId, input.scope, input.key, input.requestHash, input.resourceId, input.at],
      'run',
    );
    if (inserted.affectedRows === 1) return { claimed: true };
    const rows = await db.execute<KeyRow[]>(
      `select request_hash, state, resource_id from idempotency_keys
        where user_id = ? and scope = ? and key = ?`,
      [input.userId, input.scope, input.key],
    );
    const row = rows[0];
    if (row !== undefined) {
      const record = {
        requestHash: row.request_hash,
        state: row.state,
        resourceId: row.resource_id,
      };
      return { claimed: false, record };
    }
  }
  throw new Error('idempotency key conflicted but could not be read');
}

/**
 * Deletes up to `limit` keys created before `before` (keys are kept at least 24 h; after that a
 * key may be used again). Returns how many went.
 */
export async function purgeIdempotencyKeys(db: Sql, before: Date, limit: number): Promise<number> {
  const purged = await db.execute<RunResult>(
    `delete from idempotency_keys where ctid in (
       select ctid from idempotency_keys where created_at < ? limit ?)`,
    [before, limit],
    'run',
  );
  return purged.affectedRows;
}
