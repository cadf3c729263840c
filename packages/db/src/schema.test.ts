import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing/test-db.js';
import { initOrm, migrate, type Orm } from './orm.js';

/** The schema's columns, constraints and indexes, one line each, as PostgreSQL prints them. */
interface Catalogue {
  readonly columns: readonly string[];
  readonly constraints: readonly string[];
  readonly indexes: readonly string[];
}

/**
 * An `in (...)` check on one column is read back by MikroORM as that column's enum, and an enum's
 * check takes the name PostgreSQL gives it (`users_role_check`): entity metadata has no place for
 * the migration's name (`users_role_known`). Only the name is set aside; the definition counts.
 */
const ENUM_CHECK = /^CHECK \(\((\w+) = ANY \(ARRAY\[[^\]]*\]\)\)\)$/;

/** The schema's tables (the migrator's bookkeeping table aside), read from the catalogue. */
async function readCatalogue(orm: Orm): Promise<Catalogue> {
  const connection = orm.em.getConnection();
  const skipped = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  const columns = await connection.execute<{ line: string }[]>(
    `select concat_ws(' ', table_name, column_name, data_type, is_nullable, column_default,
                      is_identity, identity_generation) as line
       from information_schema.columns
      where table_schema = 'public' and table_name <> ?
      order by table_name, column_name`,
    [skipped],
  );
  const constraints = await connection.execute<
    { table: string; name: string; definition: string }[]
  >(
    // Constraint triggers (contype 't') belong to the migrations alone, like every trigger.
    `select conrelid::regclass::text as "table", conname as name,
            pg_get_constraintdef(oid) as definition
       from pg_constraint
      where connamespace = 'public'::regnamespace and contype <> 't'
        and conrelid::regclass::text <> ?
      order by 1, 2`,
    [skipped],
  );
  const indexes = await connection.execute<{ line: string }[]>(
    `select concat_ws(' ', tablename, indexname, indexdef) as line
       from pg_indexes
      where schemaname = 'public' and tablename <> ?
      order by tablename, indexname`,
    [skipped],
  );
  return {
    columns: columns.map((row) => row.line),
    constraints: constraints
      .map(({ table, name, definition }) => {
        const enumColumn = ENUM_CHECK.exec(definition)?.[1];
        const shownName = enumColumn === undefined ? name : `(enum check on ${enumColumn})`;
        return `${table} ${shownName} ${definition}`;
      })
      .sort(),
    indexes: indexes.map((row) => row.line),
  };
}

describe('the entity schemas', () => {
  let migrated: TestDatabase;
  let empty: TestDatabase;
  let ormOnMigrated: Orm;
  let ormOnEmpty: Orm;

  beforeAll(async () => {
    [migrated, empty] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    ormOnMigrated = await initOrm({ clientUrl: migrated.url, poolMax: 2 });
    ormOnEmpty = await initOrm({ clientUrl: empty.url, poolMax: 2 });
    await migrate(ormOnMigrated);
  });
  afterAll(async () => {
    await Promise.all([ormOnMigrated.close(true), ormOnEmpty.close(true)]);
    await Promise.all([migrated.dispose(), empty.dispose()]);
  });

  it('agree with the migrated database: the ORM schema diff is empty', async () => {
    const diff = await ormOnMigrated.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  // The diff compares an expression index by its name only, and a check by a loose reading of its
  // text; building a database from the entities and comparing catalogues checks the rest.
  it('build, on an empty database, the columns, constraints and indexes the migrations build', async () => {
    await ormOnEmpty.schema.execute(await ormOnEmpty.schema.getCreateSchemaSQL({ wrap: false }));
    const fromEntities = await readCatalogue(ormOnEmpty);
    const fromMigrations = await readCatalogue(ormOnMigrated);
    expect(fromEntities.columns).toEqual(fromMigrations.columns);
    expect(fromEntities.constraints).toEqual(fromMigrations.constraints);
    expect(fromEntities.indexes).toEqual(fromMigrations.indexes);
  });
});
