import { UserSchema } from './users/user.entity.js';

/** Every entity schema the ORM knows. */
export const entities = [UserSchema];
