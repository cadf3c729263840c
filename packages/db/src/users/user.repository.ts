import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUniqueViolation } from '../db-errors.js';
import { type UserRole, UserSchema } from './user.entity.js';
import { toUserRecord, type UserCredentials, type UserRecord } from './user.mapper.js';

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly passwordHash: string;
  readonly createdAt: Date;
}

/** `null` when the email is already registered (the unique constraint decided, not a read). */
export type InsertUserResult = UserRecord | null;

export interface UserRepository {
  findById(id: string): Promise<UserRecord | null>;
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
  insert(user: NewUser): Promise<InsertUserResult>;
  /** Creates the user as ADMIN, or makes the existing one ADMIN with this password. */
  upsertAdmin(user: Omit<NewUser, 'role'>): Promise<UserRecord>;
}

export function createUserRepository(em: EntityManager): UserRepository {
  return {
    async findById(id) {
      const entity = await em.findOne(UserSchema, { id });
      return entity ? toUserRecord(entity) : null;
    },

    async findCredentialsByEmail(email) {
      const entity = await em.findOne(UserSchema, { email });
      return entity ? { user: toUserRecord(entity), passwordHash: entity.passwordHash } : null;
    },

    async insert(user) {
      const entity = em.create(UserSchema, { id: randomUUID(), ...user });
      try {
        await em.flush();
      } catch (error) {
        em.clear();
        if (isUniqueViolation(error, 'users_email_unique')) return null;
        throw error;
      }
      return toUserRecord(entity);
    },

    async upsertAdmin(user) {
      // One statement, so two instances starting together cannot both insert.
      const rows = await em.getConnection().execute<{ id: string }[]>(
        `insert into users (id, email, name, role, password_hash, created_at)
         values (?, ?, ?, 'ADMIN', ?, ?)
         on conflict (email) do update
           set role = 'ADMIN', password_hash = excluded.password_hash
         returning id`,
        [randomUUID(), user.email, user.name, user.passwordHash, user.createdAt],
      );
      const id = rows[0]?.id;
      const admin = id === undefined ? null : await em.fork().findOne(UserSchema, { id });
      if (!admin) throw new Error('admin upsert returned no row');
      return toUserRecord(admin);
    },
  };
}
