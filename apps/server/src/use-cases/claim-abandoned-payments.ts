import { claimDuePayments, claimDueRefunds, retryTransient, type Database } from '@orders/db';

/**
 * Claims, for this instance's engine, up to `limit` payments that are due and whose lease ran
 * out — a crashed or stopped driver, or a retry whose driver went away — with `FOR UPDATE SKIP
 * LOCKED`, so instances claiming at once never take the same one. One statement: the claim
 * commits as a whole. Returns their ids, to drive.
 */
export function claimAbandonedPayments(
  deps: { db: Database; now: Date; leaseMs: number },
  input: { owner: string; limit: number },
): Promise<string[]> {
  const { now } = deps;
  return retryTransient(() =>
    claimDuePayments(deps.db, {
      owner: input.owner,
      now,
      leaseUntil: new Date(now.getTime() + deps.leaseMs),
      limit: input.limit,
    }),
  );
}

/** {@link claimAbandonedPayments}, for refunds: the same lease rules, the same engine. */
export function claimAbandonedRefunds(
  deps: { db: Database; now: Date; leaseMs: number },
  input: { owner: string; limit: number },
): Promise<string[]> {
  const { now } = deps;
  return retryTransient(() =>
    claimDueRefunds(deps.db, {
      owner: input.owner,
      now,
      leaseUntil: new Date(now.getTime() + deps.leaseMs),
      limit: input.limit,
    }),
  );
}
