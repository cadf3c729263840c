import { defineEntity } from '@mikro-orm/core';

/**
 * `event_relays`: one row per relay of the outbox (its stored cursor and its lease), written only
 * by `relay.repository.ts`.
 */
export const EventRelaySchema = defineEntity({
  name: 'EventRelay',
  tableName: 'event_relays',
  properties: (p) => ({
    name: p.text().primary(),
    cursor: p.text().nullable(),
    leaseOwner: p.text().nullable(),
    leaseUntil: p.datetime().nullable(),
    updatedAt: p.datetime(),
  }),
});
