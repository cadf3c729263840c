import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const IDEMPOTENCY_KEY_STATES = ['IN_PROGRESS', 'COMPLETED'] as const;
export type IdempotencyKeyState = (typeof IDEMPOTENCY_KEY_STATES)[number];

/** `idempotency_keys`: one row per (user, scope, key), claimed by an insert that may conflict. */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: (p) => ({
    userId: p.uuid().primary(),
    scope: p.string().primary(),
    key: p.string().primary(),
    requestHash: p.string(),
    state: p.string().$type<IdempotencyKeyState>(),
    resourceId: p.uuid().nullable(),
    lockedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  }),
});

export type IdempotencyKeyEntity = InferEntity<typeof IdempotencyKeySchema>;
