import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { PostgresNamingStrategy } from './postgres-naming-strategy.js';
import type { PrimaryFollower } from './primary-follower.js';
import { pgTimeouts, type SessionTimeouts } from './session-pool.js';

export type Orm = MikroORM;

export interface OrmOptions {
  /**
   * A `postgres://` URL (the real server, or the embedded one's socket), or the follower of a
   * multi-host URL's writable primary.
   */
  readonly clientUrl: string | PrimaryFollower;
  /** Upper bound of the connection pool. */
  readonly poolMax?: number;
  /** Connection and statement timeouts; none when unset. */
  readonly timeouts?: SessionTimeouts;
}

/**
 * Connects the ORM (DESIGN §1): it owns the schema — every table has a registered entity,
 * migrations are committed, and `schema.test.ts` proves the two agree — and serves the paths
 * where a unit of work reads simpler (users). It never syncs the schema from the entities. Its
 * pool is small: the other paths run on the db package's own pool (`createDatabase`).
 */
export async function initOrm(options: OrmOptions): Promise<Orm> {
  const target = options.clientUrl;
  const timeouts = pgTimeouts(options.timeouts);
  const following = typeof target === 'string' ? undefined : followingConnections(target, timeouts);
  return MikroORM.init({
    driver: PostgreSqlDriver,
    // Following a primary, this is only where the ORM starts (and what its messages name).
    clientUrl: typeof target === 'string' ? target : (await target.primary()).url,
    ...(following === undefined
      ? Object.keys(timeouts).length > 0
        ? { driverOptions: { connection: timeouts } }
        : {}
      : { driverOptions: following }),
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
    pool: {
      min: 0,
      max: options.poolMax ?? 2,
      // Waiting for a free connection is bounded like opening one (knex's default is 60 s).
      ...(options.timeouts?.connectTimeoutMs
        ? { acquireTimeoutMillis: options.timeouts.connectTimeoutMs }
        : {}),
    },
    // A request must fork its own EntityManager; the global one is never used for work.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    debug: false,
  });
}

/**
 * The type parsers MikroORM's PostgreSQL connection sets on the connection settings it builds
 * (dates, times and intervals stay text, as do their arrays): settings given by a provider
 * replace those, so they are set again here.
 */
const ORM_TYPES = (() => {
  const types = new pg.TypeOverrides();
  const asText = (value: string): string => value;
  const parserOf = pg.types.getTypeParser as (oid: number) => (value: string) => unknown;
  const textArray = parserOf(1009); // text[]
  for (const oid of [1082, 1114, 1184, 1186]) types.setTypeParser(oid, asText);
  for (const oid of [1182, 1115, 1185, 1187]) types.setTypeParser(oid, textArray);
  return types;
})();

/**
 * knex's documented ways to move a pool (passed through MikroORM's `driverOptions`): the
 * connection settings as a provider it calls again once their `expirationChecker` says so, and a
 * pool `validate` that retires, when borrowed, a connection made for an earlier primary. Errors on
 * ORM paths need not be reported: the follower is shared with the db package's pool, and the
 * readiness probe and every hot path report there.
 */
function followingConnections(follower: PrimaryFollower, timeouts: pg.ClientConfig) {
  const generationOf = new WeakMap<object, number>();
  let provided = 0;
  return {
    connection: async () => {
      const primary = await follower.primary();
      provided = primary.generation;
      return {
        connectionString: primary.url,
        types: ORM_TYPES,
        ...timeouts,
        expirationChecker: () => follower.known()?.generation !== primary.generation,
      };
    },
    // knex prints a warning (to the console, past the server's JSON log) for each connection a
    // failover ended; the pool replaces them, and the follower logs the failover itself.
    log: { warn: () => undefined },
    pool: {
      afterCreate: (connection: object, done: (error: Error | null, c: object) => void) => {
        generationOf.set(connection, provided);
        done(null, connection);
      },
      validate: (connection: object) =>
        generationOf.get(connection) === follower.known()?.generation,
    },
  };
}

/** Applies every pending migration; returns the names it applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
