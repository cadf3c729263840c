import {
  createMissingDatabase,
  databaseExists,
  databaseNameOf,
  readReplicationSettings,
  type ReplicationSettings,
  databaseTarget,
  type Database,
  type PrimaryEvent,
  type PrimaryFollower,
  type SessionTimeouts,
} from '@orders/db';
import type { Logger } from 'pino';
import type { Config } from './config.js';

/** A probe of one host that has not answered within this is skipped (when no bound is set). */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Where `DATABASE_URL` sends the pools: one server's URL (as it always was), or for a host list
 * the follower of its writable primary, which logs where it found one and why it searches again.
 */
export function targetOf(url: string, config: Config, logger: Logger): string | PrimaryFollower {
  return databaseTarget(url, {
    connectTimeoutMs: config.db.connectTimeoutMs || PROBE_TIMEOUT_MS,
    onEvent: (event) => {
      logPrimaryEvent(logger, event);
    },
  });
}

/** A URL of one server to run start-up's one-off checks on: the primary, for a host list. */
export async function oneServerUrl(target: string | PrimaryFollower): Promise<string> {
  return typeof target === 'string' ? target : (await target.primary()).url;
}

/**
 * The database `DATABASE_URL` names must exist, for the server and for `pnpm db:migrate` alike. In
 * production a missing one is a mistyped URL: refused, naming it (never creating, migrating and
 * serving an empty database while the real one is ignored). In development (and tests) it is
 * created: its name is returned, for the caller to say so; null when it existed.
 */
export async function ensureDatabase(url: string, env: Config['env']): Promise<string | null> {
  if (await databaseExists(url)) return null;
  const name = databaseNameOf(url);
  if (env === 'production') {
    throw new Error(
      `the database "${name}" named by DATABASE_URL does not exist; create it, or correct the URL`,
    );
  }
  await createMissingDatabase(url);
  return name;
}

export function timeoutsOf(config: Config): SessionTimeouts {
  return {
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs,
  };
}

function logPrimaryEvent(logger: Logger, event: PrimaryEvent): void {
  switch (event.kind) {
    case 'found':
      logger.info({ primary: event.primary, skipped: event.skipped }, 'database primary found');
      return;
    case 'lost':
      logger.warn({ primary: event.primary, reason: event.reason }, 'database primary lost');
      return;
    case 'none':
      logger.error({ skipped: event.skipped }, 'no writable database primary');
      return;
  }
}

/** Levels at which a commit waits for a synchronous standby to flush (or apply) it. */
const DURABLE_ON_STANDBY = new Set(['on', 'remote_apply']);

/** What the replication settings mean for a failover. */
export interface ReplicationSafety extends ReplicationSettings {
  /** The primary has (or is set up to wait for) a standby at all. */
  readonly replicated: boolean;
  /**
   * A COMMIT is acknowledged only once a synchronous standby has it on disk (`synchronous_commit`
   * `on` or `remote_apply` with `synchronous_standby_names` set), or there is no standby to fail
   * over to. False: a failover may lose commits already acknowledged — a payment answered SUCCESS
   * among them.
   */
  readonly safe: boolean;
}

export function judgeReplication(settings: ReplicationSettings): ReplicationSafety {
  const named = settings.synchronousStandbyNames !== '';
  const replicated = settings.standbys > 0 || named;
  const safe = !replicated || (named && DURABLE_ON_STANDBY.has(settings.synchronousCommit));
  return { ...settings, replicated, safe };
}

/**
 * When the primary has a standby, a payment acknowledged as SUCCESS survives losing the primary
 * only if its commit waited for the standby (`synchronous_commit` on or remote_apply, with
 * `synchronous_standby_names` set). Start-up warns when it does not — or, with
 * `DB_REQUIRE_SYNCHRONOUS_COMMIT=true`, refuses to start. A warning is the default because the
 * failover manager itself turns synchronous replication off while the standby is down
 * (pg_auto_failover's `wait_primary`): refusing would keep the service down exactly then.
 */
export async function checkReplication(db: Database, config: Config, logger: Logger) {
  const safety = judgeReplication(await readReplicationSettings(db));
  if (!safety.replicated) return safety;
  const facts = {
    standbys: safety.standbys,
    synchronousCommit: safety.synchronousCommit,
    synchronousStandbyNames: safety.synchronousStandbyNames,
  };
  if (safety.safe) {
    logger.info(facts, 'database replication is synchronous');
    return safety;
  }
  const message =
    'the database primary has a standby but commits do not wait for it: a failover may lose ' +
    'payments already acknowledged as SUCCESS (set synchronous_commit=on and ' +
    'synchronous_standby_names on the primary)';
  if (config.db.requireSynchronousCommit) {
    throw new Error(`${message}; DB_REQUIRE_SYNCHRONOUS_COMMIT=true refuses to start`);
  }
  logger.warn(facts, message);
  return safety;
}
