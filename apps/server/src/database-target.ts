import {
  checkReplicationSafety,
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

/**
 * When the primary has a standby, a payment acknowledged as SUCCESS survives losing the primary
 * only if its commit waited for the standby (`synchronous_commit` on or remote_apply, with
 * `synchronous_standby_names` set). Start-up warns when it does not — or, with
 * `DB_REQUIRE_SYNCHRONOUS_COMMIT=true`, refuses to start. A warning is the default because the
 * failover manager itself turns synchronous replication off while the standby is down
 * (pg_auto_failover's `wait_primary`): refusing would keep the service down exactly then.
 */
export async function checkReplication(db: Database, config: Config, logger: Logger) {
  const safety = await checkReplicationSafety(db);
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
