import { AGGREGATE_TYPES } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';

/** The aggregates an event can be about (core's list), as `events_aggregate_type_known` lists them. */
export const EVENT_AGGREGATE_TYPES = AGGREGATE_TYPES;
export type EventAggregateType = (typeof EVENT_AGGREGATE_TYPES)[number];

/**
 * `events`: the outbox, append-only (a trigger refuses UPDATE, TRUNCATE, and DELETE outside the
 * retention purge). `(xid, seq)` is the cursor readers page by; see `event.repository.ts`.
 */
export const EventSchema = defineEntity({
  name: 'Event',
  tableName: 'events',
  properties: (p) => ({
    id: p.text().primary(),
    xid: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()'),
    // Identity, not bigserial: `columnType` keeps the ORM from declaring both.
    seq: p.bigint('string').columnType('bigint').autoincrement().generated('identity'),
    type: p.text(),
    aggregateType: p.enum([...EVENT_AGGREGATE_TYPES]),
    aggregateId: p.text(),
    aggregateVersion: p.integer(),
    // No reference: an event outlives nothing it names, and says who may read it.
    ownerId: p.uuid().nullable(),
    data: p.json<unknown>(),
    createdAt: p.datetime(),
  }),
  indexes: [{ name: 'events_owner_cursor', properties: ['ownerId', 'xid', 'seq'] }],
  uniques: [{ name: 'events_cursor_unique', properties: ['xid', 'seq'] }],
  checks: [{ name: 'events_aggregate_version_positive', expression: 'aggregate_version > 0' }],
});

/** `event_aggregate_versions`: the last version given out per aggregate, kept past retention. */
export const EventAggregateVersionSchema = defineEntity({
  name: 'EventAggregateVersion',
  tableName: 'event_aggregate_versions',
  properties: (p) => ({
    aggregateType: p.text().primary(),
    aggregateId: p.text().primary(),
    version: p.integer(),
  }),
  checks: [{ name: 'event_aggregate_versions_positive', expression: 'version > 0' }],
});
