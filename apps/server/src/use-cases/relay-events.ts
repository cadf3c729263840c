import {
  advanceRelayCursor,
  claimRelayLease,
  countEventsAfterRelay,
  listEvents,
  readRelayCursor,
  releaseRelayLease,
  type Database,
} from '@orders/db';
import type { EventEnvelope } from '../routers/event-schemas.js';
import { presentEvent } from '../events/present-event.js';

/** One relay of the outbox (DESIGN §2 Delivery): its name (the stream) and this instance's id. */
export interface RelayIdentity {
  readonly name: string;
  readonly owner: string;
}

/**
 * Takes or renews the relay's lease for `leaseMs`: true when this instance holds it now. One
 * instance at a time holds it, whatever number of them ask (see `relay.repository.ts`).
 */
export function holdRelayLease(
  deps: { db: Database },
  relay: RelayIdentity,
  leaseMs: number,
): Promise<boolean> {
  return claimRelayLease(deps.db, relay.name, relay.owner, leaseMs);
}

/** Gives the lease up (shutdown), so another instance takes over without waiting it out. */
export function giveUpRelayLease(deps: { db: Database }, relay: RelayIdentity): Promise<void> {
  return releaseRelayLease(deps.db, relay.name, relay.owner);
}

/**
 * The next events to relay, after the relay's stored cursor, in cursor order, as the API presents
 * them (the published body is the same envelope `events.list` returns).
 */
export async function nextEventsToRelay(
  deps: { db: Database },
  relay: RelayIdentity,
  limit: number,
): Promise<EventEnvelope[]> {
  const after = await readRelayCursor(deps.db, relay.name);
  const events = await listEvents(deps.db, { after, limit });
  return events.map(presentEvent);
}

/**
 * Records that every event up to `cursor` reached its destination. False: this instance no longer
 * holds the lease, so the cursor stayed where the new holder will move it from.
 */
export function recordEventsRelayed(
  deps: { db: Database },
  relay: RelayIdentity,
  cursor: string,
): Promise<boolean> {
  return advanceRelayCursor(deps.db, relay.name, relay.owner, cursor);
}

/** Events waiting after the relay's cursor, counted up to `bound` (the lag metric). */
export function relayLag(deps: { db: Database }, name: string, bound: number): Promise<number> {
  return countEventsAfterRelay(deps.db, name, bound);
}
