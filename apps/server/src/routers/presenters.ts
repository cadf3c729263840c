import type { UserRecord } from '@orders/db';

/** The public shape of a user (DESIGN §3): fields are whitelisted, never spread from a row. */
export interface UserDto {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'CUSTOMER' | 'ADMIN';
  readonly createdAt: string;
}

export function presentUser(user: UserRecord): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
