import { resolve } from 'node:path';
import { DEFAULT_FRAUD_CONFIG, DEFAULT_WEBHOOK_SCHEDULE, parseWebhookSchedule } from '@orders/core';
import { DatabaseUrlError, namesHostList, parseDatabaseUrl } from '@orders/db';
import { z } from 'zod';

/** A switch: `true` (the default) or `false`. */
const onOff = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .default('true')
  .transform((value) => value === 'true');

/**
 * The whole configuration, parsed once at start-up. This is the only module that reads
 * `process.env`; everything else receives these values.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    JWT_SECRET: z.string().optional(),
    ORDERS_DATA_DIR: z.string().min(1).default('.data'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    // Bounds on waiting for the database (ms; 0: none): opening a connection, and a statement
    // (the server cancels it; the client stops waiting 2 s later). See `SessionTimeouts`.
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    // Refuse to start when the primary has a standby but commits do not wait for it (a failover
    // could lose an acknowledged payment); off: start-up only warns.
    DB_REQUIRE_SYNCHRONOUS_COMMIT: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    // Milliseconds an unpaid order holds its stock (15 min by default; at most 30 days).
    ORDER_TTL: z.coerce.number().int().min(1000).max(2_592_000_000).default(900_000),
    PAY_WAIT: z.coerce.number().int().min(0).max(120_000).default(10_000),
    PAYMENT_SIM_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
    PAYMENT_SIM_SEED: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0),
    PAYMENT_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(200),
    PAYMENT_LEASE_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
    // The history-based fraud rules' thresholds; their defaults depend on NODE_ENV (see below).
    FRAUD_USER_VELOCITY_MAX: z.coerce.number().int().min(1).max(1_000_000).optional(),
    FRAUD_CARD_SHARED_MAX: z.coerce.number().int().min(1).max(1_000_000).optional(),
    // The fast paths, each a named shortcut that can be switched off (DESIGN §1).
    CATALOGUE_MEMORY: onOff,
    TRPC_FAST_PATH: onOff,
    // The events outbox: how long events are kept (days), and how often a subscriber's stream
    // looks for new ones (ms).
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    EVENT_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
    // The relay to NATS JetStream (off unless NATS_URL is set): the server(s), comma-separated,
    // the stream and the prefix of its subjects (`<prefix>.<event type>`).
    NATS_URL: z.string().min(1).optional(),
    NATS_STREAM: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, _ or - (a JetStream stream name)')
      .default('ORDERS'),
    NATS_SUBJECT_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated tokens, no wildcards')
      .default('orders'),
    // Webhooks: a delivery's timeout, the consecutive failed attempts that disable an endpoint,
    // whether private/loopback addresses (and http://) may receive (development and tests only),
    // and the retry schedule as comma-separated ms (tests; unset: about 3 days).
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(10_000),
    WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1_000_000).default(20),
    WEBHOOK_ALLOW_PRIVATE: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    WEBHOOK_RETRY_SCHEDULE: z
      .string()
      .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'must be comma-separated whole milliseconds')
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.JWT_SECRET !== undefined && Buffer.byteLength(env.JWT_SECRET) < MIN_SECRET_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `must be at least ${MIN_SECRET_BYTES} bytes`,
      });
    }
    if (env.NODE_ENV === 'production' && env.JWT_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `is required in production (at least ${MIN_SECRET_BYTES} random bytes)`,
      });
    }
    const urlProblem = databaseUrlProblem(env.DATABASE_URL);
    if (urlProblem !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: urlProblem });
    }
    if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PASSWORD'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
  });

export const MIN_SECRET_BYTES = 32;

/**
 * Why a host list in `DATABASE_URL` cannot be used, if it cannot (a one-host URL is pg's to read,
 * as it always was). The message names the part at fault, never the password.
 */
function databaseUrlProblem(url: string | undefined): string | undefined {
  if (url === undefined || !namesHostList(url)) return undefined;
  try {
    parseDatabaseUrl(url);
    return undefined;
  } catch (error) {
    if (error instanceof DatabaseUrlError) return error.message;
    throw error;
  }
}

/**
 * The thresholds of the fraud rules that count history (DESIGN §2: more than 5 payments by one
 * user in 60 s; one card used by more than 3 users in 24 h). Development relaxes them so that a
 * newcomer paying through the README's test cards — one account, the same few card numbers, many
 * payments a minute — is never fraud-rejected except by the blocklisted card; start-up says so.
 * Production (and the tests) keep DESIGN's values.
 */
export const FRAUD_DEFAULTS = {
  designed: {
    userVelocityMax: DEFAULT_FRAUD_CONFIG.userVelocity.maxPayments,
    cardSharedMax: DEFAULT_FRAUD_CONFIG.cardShared.maxUsers,
  },
  development: { userVelocityMax: 1000, cardSharedMax: 1000 },
} as const;

function fraudDefaultsFor(env: 'development' | 'production' | 'test'): keyof typeof FRAUD_DEFAULTS {
  return env === 'development' ? 'development' : 'designed';
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** Unset → the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Unset outside production → generated once and kept in `dataDir`. */
  readonly jwtSecret: string | undefined;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly dbPoolMax: number;
  readonly db: {
    /** Opening a connection, and waiting for a free one (`DB_CONNECT_TIMEOUT_MS`; 0: none). */
    readonly connectTimeoutMs: number;
    /** A statement's bound (`DB_STATEMENT_TIMEOUT_MS`; 0: none). */
    readonly statementTimeoutMs: number;
    /** Refuse to start when a failover could lose acknowledged commits. */
    readonly requireSynchronousCommit: boolean;
  };
  /** How long an unpaid PENDING order keeps its stock before it expires (ms). */
  readonly orderTtlMs: number;
  /** The fast paths: each a shortcut that gives the same answers, and can be switched off. */
  readonly fastPaths: {
    /** `orders.create` prices remembered products without reading them (`CATALOGUE_MEMORY`). */
    readonly catalogueMemory: boolean;
    /** Single tRPC calls answered on Node's request/response (`TRPC_FAST_PATH`). */
    readonly trpc: boolean;
  };
  readonly events: {
    /** Events older than this many days are purged by the worker (`EVENT_RETENTION_DAYS`). */
    readonly retentionDays: number;
    /** How often each `events.subscribe` stream reads the outbox for new events (ms). */
    readonly pollMs: number;
  };
  readonly nats: {
    /** Unset: no relay to NATS (`NATS_URL`; several servers comma-separated). */
    readonly url: string | undefined;
    /** The JetStream stream the relay publishes to, created if missing (`NATS_STREAM`). */
    readonly stream: string;
    /** Subjects are `<subjectPrefix>.<event type>` (`NATS_SUBJECT_PREFIX`). */
    readonly subjectPrefix: string;
  };
  readonly webhooks: {
    /** A delivery attempt without a 2xx within this (ms) failed (`WEBHOOK_TIMEOUT_MS`). */
    readonly timeoutMs: number;
    /** An endpoint is disabled after this many consecutive failed attempts. */
    readonly disableAfter: number;
    /** `http://` and private, loopback, link-local addresses allowed (dev and tests only). */
    readonly allowPrivate: boolean;
    /** Waits between attempts (ms); the delivery fails after the last. */
    readonly retrySchedule: readonly number[];
  };
  readonly payments: {
    /** How long `payments.pay` waits for a final state (ms). */
    readonly payWaitMs: number;
    /** Transient failures added to any card by the simulator, reproducible from the seed. */
    readonly simFailureRate: number;
    readonly simSeed: number;
    /** Nominal wait before the second attempt (doubles per attempt, capped at 5 s). */
    readonly retryBaseMs: number;
    readonly leaseMs: number;
    readonly workerPollMs: number;
    /** USER_VELOCITY fires above this many payments per user per minute. */
    readonly fraudUserVelocityMax: number;
    /** CARD_SHARED fires when a card is used by more than this many users in 24 h. */
    readonly fraudCardSharedMax: number;
  };
}

/** Thrown with every problem found, one per line, ready to print. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'env'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    jwtSecret: e.JWT_SECRET,
    dataDir: resolve(e.ORDERS_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    admin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL.trim().toLowerCase(), password: e.ADMIN_PASSWORD }
        : undefined,
    dbPoolMax: e.DB_POOL_MAX,
    db: {
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      requireSynchronousCommit: e.DB_REQUIRE_SYNCHRONOUS_COMMIT,
    },
    orderTtlMs: e.ORDER_TTL,
    fastPaths: { catalogueMemory: e.CATALOGUE_MEMORY, trpc: e.TRPC_FAST_PATH },
    events: { retentionDays: e.EVENT_RETENTION_DAYS, pollMs: e.EVENT_POLL_MS },
    nats: { url: e.NATS_URL, stream: e.NATS_STREAM, subjectPrefix: e.NATS_SUBJECT_PREFIX },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      disableAfter: e.WEBHOOK_DISABLE_AFTER,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      retrySchedule:
        e.WEBHOOK_RETRY_SCHEDULE === undefined
          ? DEFAULT_WEBHOOK_SCHEDULE
          : (parseWebhookSchedule(e.WEBHOOK_RETRY_SCHEDULE) ?? DEFAULT_WEBHOOK_SCHEDULE),
    },
    payments: {
      payWaitMs: e.PAY_WAIT,
      simFailureRate: e.PAYMENT_SIM_FAILURE_RATE,
      simSeed: e.PAYMENT_SIM_SEED,
      retryBaseMs: e.PAYMENT_RETRY_BASE_MS,
      leaseMs: e.PAYMENT_LEASE_MS,
      workerPollMs: e.WORKER_POLL_MS,
      fraudUserVelocityMax:
        e.FRAUD_USER_VELOCITY_MAX ?? FRAUD_DEFAULTS[fraudDefaultsFor(e.NODE_ENV)].userVelocityMax,
      fraudCardSharedMax:
        e.FRAUD_CARD_SHARED_MAX ?? FRAUD_DEFAULTS[fraudDefaultsFor(e.NODE_ENV)].cardSharedMax,
    },
  };
}
