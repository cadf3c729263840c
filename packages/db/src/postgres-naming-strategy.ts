import { UnderscoreNamingStrategy } from '@mikro-orm/core';

type ConstraintKind = Parameters<UnderscoreNamingStrategy['indexName']>[2];

/**
 * The suffixes PostgreSQL itself gives a constraint or index created without a name (`references
 * users (id)` becomes `orders_user_id_fkey`). The migrations leave foreign keys and inline checks
 * unnamed, so the entities must derive the same names for the ORM's schema diff to match them.
 */
const POSTGRES_SUFFIXES = {
  primary: 'pkey',
  foreign: 'fkey',
  unique: 'key',
  index: 'idx',
  sequence: 'seq',
  check: 'check',
} as const satisfies Record<ConstraintKind, string>;

/**
 * MikroORM's underscore naming (columns, join columns) with PostgreSQL's default constraint names
 * instead of MikroORM's own (`_foreign`, `_unique`, `_index`). Names an explicit option sets
 * (`unique('users_email_unique')`, a named index or check) are used as written.
 */
export class PostgresNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(tableName: string, columns: string[], type: ConstraintKind): string {
    // PostgreSQL would truncate a name over 63 bytes in its own way; none of ours comes close.
    const table = tableName.slice(tableName.indexOf('.') + 1);
    const key = type === 'primary' ? [] : columns.map((column) => column.replace(/\./g, '_'));
    return [table, ...key, POSTGRES_SUFFIXES[type]].join('_');
  }
}
