import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

export type Orm = MikroORM;

export interface OrmOptions {
  /** A `postgres://` URL: the real server, or the embedded one's socket. */
  readonly clientUrl: string;
  /** Upper bound of the connection pool. */
  readonly poolMax?: number;
}

/** Connects the ORM. It never syncs the schema from the entities: migrations own the schema. */
export async function initOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: options.clientUrl,
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // pg's pipeline mode: a query issued while earlier ones are in flight is sent at once
    // instead of after their answers (see `createDatabase`). Sequential use is unchanged.
    driverOptions: { connection: { pipeline: true } },
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

/** True when the database answers a trivial query (readiness). */
export async function pingDatabase(orm: Orm): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}
