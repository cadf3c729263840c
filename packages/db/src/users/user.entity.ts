import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const USER_ROLES = ['CUSTOMER', 'ADMIN'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** `users`; the role's enum is the migration's `users_role_known` check. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: (p) => ({
    id: p.uuid().primary(),
    email: p.text().unique('users_email_unique'),
    name: p.text().default(''),
    role: p.enum([...USER_ROLES]).default('CUSTOMER'),
    passwordHash: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
  checks: [
    {
      name: 'users_email_normalized',
      expression: 'email = lower(btrim(email)) and (length(email) >= 3 and length(email) <= 254)',
    },
  ],
});

export type UserEntity = InferEntity<typeof UserSchema>;
