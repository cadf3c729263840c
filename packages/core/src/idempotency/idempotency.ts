import { canonicalJson } from '../shared/canonical-json.js';
import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import { err, ok, type Result } from '../shared/result.js';
import { sha256Hex } from '../shared/sha256.js';

/**
 * Idempotency keys with Stripe's semantics (DESIGN §3): a key is scoped to one user, 1–255
 * characters, kept at least 24 h. Same key + same request replays the stored result; same key +
 * different request is refused; same key while the first request still runs is a conflict.
 */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** What the server stored when it first saw a key. */
export interface IdempotencyRecord {
  readonly key: string;
  /** {@link requestFingerprint} of the first request. */
  readonly requestHash: string;
  readonly state: 'IN_PROGRESS' | 'COMPLETED';
}

/** True for a key of 1–255 characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length >= 1 && key.length <= IDEMPOTENCY_KEY_MAX_LENGTH;
}

/**
 * A stable fingerprint of a request (operation name plus its input): key order in the input does
 * not matter. Hash the input after removing secrets the server must not store, such as a card
 * number; the fingerprint is only compared, never reversed, but it is stored.
 */
export function requestFingerprint(operation: string, input: unknown): string {
  return sha256Hex(canonicalJson({ operation, input }));
}

/** PROCEED: run the request (first use of the key). REPLAY: return the stored result. */
export type IdempotencyDecision = 'PROCEED' | 'REPLAY';

/** Decides what to do with a request carrying a key, given what is stored for it (if anything). */
export function decideIdempotency(
  stored: IdempotencyRecord | null,
  requestHash: string,
): Result<
  IdempotencyDecision,
  DomainErrorOf<'IDEMPOTENCY.KEY_REUSED' | 'IDEMPOTENCY.IN_PROGRESS'>
> {
  if (stored === null) return ok('PROCEED');
  if (stored.requestHash !== requestHash) {
    return err(domainError('IDEMPOTENCY.KEY_REUSED', { key: stored.key }));
  }
  if (stored.state === 'IN_PROGRESS') {
    return err(domainError('IDEMPOTENCY.IN_PROGRESS', { key: stored.key }));
  }
  return ok('REPLAY');
}
