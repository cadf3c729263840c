import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const USER_ROLES = ['CUSTOMER', 'ADMIN'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: (p) => ({
    id: p.uuid().primary(),
    email: p.string().unique(),
    name: p.string(),
    role: p.string().$type<UserRole>(),
    passwordHash: p.string(),
    createdAt: p.datetime(),
  }),
});

export type UserEntity = InferEntity<typeof UserSchema>;
