import type { UserEntity, UserRole } from './user.entity.js';

/** A user as the rest of the system sees it: never with its password hash. */
export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly createdAt: Date;
}

/** Only for checking a password: the hash leaves the repository in this shape alone. */
export interface UserCredentials {
  readonly user: UserRecord;
  readonly passwordHash: string;
}

export function toUserRecord(entity: UserEntity): UserRecord {
  return {
    id: entity.id,
    email: entity.email,
    name: entity.name,
    role: entity.role,
    createdAt: entity.createdAt,
  };
}
