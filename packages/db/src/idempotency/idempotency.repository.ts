import type { EntityManager } from '@mikro-orm/postgresql';
import type { RunResult } from '../sql-values.js';
import { IdempotencyKeySchema, type IdempotencyKeyState } from './idempotency-key.entity.js';

/** What is stored for a key someone already claimed. */
export interface IdempotencyKeyRecord {
  readonly requestHash: string;
  readonly state: IdempotencyKeyState;
  /** The created resource (order, payment) once COMPLETED. */
  readonly resourceId: string | null;
  /** When the current holder claimed it (IN_PROGRESS); lets a stale claim be recognised. */
  readonly lockedAt: Date | null;
}

export type ClaimResult =
  { readonly claimed: true } | { readonly claimed: false; readonly record: IdempotencyKeyRecord };

interface KeyId {
  readonly userId: string;
  readonly scope: string;
  readonly key: string;
}

/**
 * Claims `(userId, scope, key)` as IN_PROGRESS with one `insert … on conflict do nothing`: the
 * primary key decides who is first, even across instances. A second request with the key waits
 * for the first one's transaction, then gets the stored record to decide on (core's
 * `decideIdempotency`: replay, KEY_REUSED or IN_PROGRESS).
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  input: KeyId & { requestHash: string; at: Date },
): Promise<ClaimResult> {
  // Two tries: a record seen by the conflict can vanish (purged) before it is read.
  for (let tries = 0; tries < 2; tries++) {
    const inserted = await em.execute<RunResult>(
      `insert into idempotency_keys
         (user_id, scope, key, request_hash, state, resource_id, locked_at, created_at)
       values (?, ?, ?, ?, 'IN_PROGRESS', null, ?, ?)
       on conflict (user_id, scope, key) do nothing`,
      [input.userId, input.scope, input.key, input.requestHash, input.at, input.at],
      'run',
    );
    if (inserted.affectedRows === 1) return { claimed: true };
    const rows = await em.execute(
      'select * from idempotency_keys where user_id = ? and scope = ? and key = ?',
      [input.userId, input.scope, input.key],
    );
    const row = rows[0];
    if (row !== undefined) {
      const stored = em.map(IdempotencyKeySchema, row);
      return {
        claimed: false,
        record: {
          requestHash: stored.requestHash,
          state: stored.state,
          resourceId: stored.resourceId ?? null,
          lockedAt: stored.lockedAt ?? null,
        },
      };
    }
  }
  throw new Error('idempotency key conflicted but could not be read');
}

/** Marks a claimed key COMPLETED with the resource it produced. Throws if it was never claimed. */
export async function completeIdempotencyKey(
  em: EntityManager,
  input: KeyId & { resourceId: string },
): Promise<void> {
  const updated = await em.execute<RunResult>(
    `update idempotency_keys set state = 'COMPLETED', resource_id = ?, locked_at = null
      where user_id = ? and scope = ? and key = ?`,
    [input.resourceId, input.userId, input.scope, input.key],
    'run',
  );
  if (updated.affectedRows !== 1) throw new Error(`idempotency key ${input.scope} was not claimed`);
}

/**
 * Takes over a key whose holder died before completing it (its `lockedAt` is stale): a
 * compare-and-set on `locked_at`, so when several requests try at once exactly one wins. True
 * for the winner, false when someone else took it (or it completed) first.
 */
export async function takeOverIdempotencyKey(
  em: EntityManager,
  input: KeyId & { lockedAt: Date | null; at: Date },
): Promise<boolean> {
  const taken = await em.execute<RunResult>(
    `update idempotency_keys set locked_at = ?
      where user_id = ? and scope = ? and key = ? and state = 'IN_PROGRESS'
        and locked_at is not distinct from cast(? as timestamptz)`,
    [input.at, input.userId, input.scope, input.key, input.lockedAt],
    'run',
  );
  return taken.affectedRows === 1;
}

/**
 * Forgets an IN_PROGRESS key whose request ended without effect, so a retry with the key is
 * evaluated afresh. A COMPLETED key is never released: its result must replay.
 */
export async function releaseIdempotencyKey(em: EntityManager, input: KeyId): Promise<void> {
  await em.execute(
    `delete from idempotency_keys
      where user_id = ? and scope = ? and key = ? and state = 'IN_PROGRESS'`,
    [input.userId, input.scope, input.key],
    'run',
  );
}

/**
 * Deletes up to `limit` keys created before `before` (keys are kept at least 24 h; after that a
 * key may be used again). Returns how many went.
 */
export async function purgeIdempotencyKeys(
  em: EntityManager,
  before: Date,
  limit: number,
): Promise<number> {
  const purged = await em.execute<RunResult>(
    `delete from idempotency_keys where ctid in (
       select ctid from idempotency_keys where created_at < ? limit ?)`,
    [before, limit],
    'run',
  );
  return purged.affectedRows;
}
