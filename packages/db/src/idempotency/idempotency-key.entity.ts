import { defineEntity } from '@mikro-orm/core';
import { UserSchema } from '../users/user.entity.js';

export const IDEMPOTENCY_KEY_STATES = ['IN_PROGRESS', 'COMPLETED'] as const;
export type IdempotencyKeyState = (typeof IDEMPOTENCY_KEY_STATES)[number];

/** `idempotency_keys`: one row per (user, scope, key), claimed by an insert that may conflict. */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: (p) => ({
    userId: p
      .manyToOne(UserSchema)
      .mapToPk()
      .joinColumn('user_id')
      .updateRule('no action')
      .primary(),
    scope: p.text().primary(),
    key: p.text().primary(),
    requestHash: p.text(),
    state: p.enum([...IDEMPOTENCY_KEY_STATES]),
    resourceId: p.uuid().nullable(),
    lockedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  }),
  indexes: [{ name: 'idempotency_keys_created', properties: ['createdAt'] }],
  checks: [
    { name: 'idempotency_keys_key_length', expression: 'length(key) >= 1 and length(key) <= 255' },
  ],
});
