import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { PostgresNamingStrategy } from './postgres-naming-strategy.js';

export type Orm = MikroORM;

export interface OrmOptions {
  /** A `postgres://` URL: the real server, or the embedded one's socket. */
  readonly clientUrl: string;
  /** Upper bound of the connection pool. */
  readonly poolMax?: number;
}

/**
 * Connects the ORM (DESIGN §1): it owns the schema — every table has a registered entity,
 * migrations are committed, and `schema.test.ts` proves the two agree — and serves the paths
 * where a unit of work reads simpler (users). It never syncs the schema from the entities. Its
 * pool is small: the other paths run on the db package's own pool (`createDatabase`).
 */
export async function initOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: options.clientUrl,
    entities,
    // Unnamed foreign keys and checks in the migrations carry PostgreSQL's names; see the class.
    namingStrategy: PostgresNamingStrategy,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax ?? 2 },
    // A request must fork its own EntityManager; the global one is never used for work.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    debug: false,
  });
}

/** Applies every pending migration; returns the names it applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
