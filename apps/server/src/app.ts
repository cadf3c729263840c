import {
  createDatabase,
  hasSessionPerConnection,
  initOrm,
  migrate,
  MIGRATED_SEED_FILE,
  startEmbeddedPostgres,
  type Database,
  type EmbeddedPostgres,
  type Orm,
  type PrimaryFollower,
  type SessionTimeouts,
} from '@orders/db';
import { createTokenService } from './auth/jwt.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import type { Config } from './config.js';
import {
  checkReplication,
  ensureDatabase,
  oneServerUrl,
  targetOf,
  timeoutsOf,
} from './database-target.js';
import { closeServer, listen } from './http/listen.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { createEventStreams } from './events/event-streams.js';
import { createAppMetrics } from './metrics/app-metrics.js';
import type { Registry } from 'prom-client';
import { registerEventSubscriberMetrics } from './metrics/event-subscriber-metrics.js';
import { registerNatsRelayMetrics, RELAY_LAG_BOUND } from './metrics/nats-relay-metrics.js';
import { createCardFingerprinter } from './payments/card-fingerprint.js';
import { createPaymentEngine } from './payments/payment-engine.js';
import { paymentSettingsFrom, type PaymentSettings } from './payments/payment-settings.js';
import { appRouter } from './router.js';
import { createContextFactory, type AppServices } from './trpc/context.js';
import { ensureDemoAdmin, seedCatalogue, type DemoAdmin } from './dev-seed.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';
import { createCatalogueMemory } from './fast-paths/catalogue-memory.js';
import { startPaymentWorker, type PaymentWorker } from './worker/payment-worker.js';
import { startNatsRelay, type NatsRelay } from './relay/nats-relay.js';
import { startWebhookWorker, type WebhookWorker } from './webhooks/webhook-worker.js';
import { relayLag } from './use-cases/relay-events.js';

export interface RunningApp {
  /** e.g. `http://127.0.0.1:4000` */
  readonly url: string;
  /** Development only: the demo admin, ensured before the server listened. */
  readonly demoAdmin: DemoAdmin | undefined;
  readonly services: AppServices;
  readonly worker: PaymentWorker;
  /** The outbox's relay to NATS JetStream; undefined unless `NATS_URL` is set. */
  readonly natsRelay: NatsRelay | undefined;
  /** Fans events out to webhook endpoints and delivers them (every instance). */
  readonly webhookWorker: WebhookWorker;
  /**
   * Stops accepting requests, stops the worker and the payment engine (handing its leases back)
   * and the NATS relay (handing its lease back, draining its connection), then closes the ORM and the embedded database. Idempotent.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Replaces the JSON logger (tests pass a silent one). */
  readonly logger?: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** Overrides of the payment engine's settings (tests shorten waits and leases). */
  readonly payments?: Partial<PaymentSettings>;
}

/** The composition root's work: database → migrations → services → HTTP → worker. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  let embedded: EmbeddedPostgres | undefined;
  let orm: Orm | undefined;
  let db: Database | undefined;
  try {
    let target: string | PrimaryFollower;
    // Timeouts bound the waits on a real server; the embedded one runs as it always has.
    let timeouts: SessionTimeouts | undefined;
    if (config.databaseUrl !== undefined) {
      target = targetOf(config.databaseUrl, config, logger);
      timeouts = timeoutsOf(config);
      const created = await ensureDatabase(await oneServerUrl(target), config.env);
      if (created !== null) {
        logger.warn(
          { database: created },
          `database "${created}" did not exist: created it (${config.env})`,
        );
      }
    } else {
      // A new data dir starts from the build's migrated cluster: no initdb, no migrations to run.
      embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        seedFile: MIGRATED_SEED_FILE,
      });
      target = embedded.url;
      logger.info({ dataDir: config.dataDir }, 'embedded database started');
    }
    // Two pools: the ORM's, small (migrations, users), and the db package's (everything else).
    // Both on the primary (a host list's, followed): every read, money decisions and idempotency
    // replays included, sees what was committed there.
    orm = await initOrm({
      clientUrl: target,
      poolMax: Math.max(2, Math.ceil(config.dbPoolMax / 4)),
      ...(timeouts === undefined ? {} : { timeouts }),
    });
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    if (config.admin) await bootstrapAdmin({ em: orm.em.fork(), now: now() }, config.admin);

    const secret = await resolveJwtSecret(config);
    const settings = { ...paymentSettingsFrom(config.payments), ...options.payments };
    const random = options.random ?? Math.random;
    const prepareStatements = await hasSessionPerConnection(await oneServerUrl(target));
    db = createDatabase({
      url: target,
      poolMax: config.dbPoolMax,
      prepareStatements,
      ...(timeouts === undefined ? {} : { timeouts }),
    });
    if (config.databaseUrl !== undefined) await checkReplication(db, config, logger);
    const metrics = createAppMetrics(db);
    const eventStreams = createEventStreams({ db, pollMs: config.events.pollMs });
    registerEventSubscriberMetrics(metrics.registry, () => eventStreams.open());
    const counters = metrics.domain;
    const engine = createPaymentEngine({ db, settings, logger, now, random, metrics: counters });
    const services: AppServices = {
      config,
      orm,
      db,
      tokens: await createTokenService(secret),
      logger,
      now,
      payments: { engine, settings, fingerprint: createCardFingerprinter(secret) },
      catalogue: config.fastPaths.catalogueMemory ? createCatalogueMemory() : null,
      metrics,
      eventStreams,
    };
    // Development's demo data exists before the first request can be served: a client that saw
    // /readyz answer 200 finds the catalogue there.
    const demoAdmin =
      config.env === 'development' && !config.admin ? await ensureDemoAdmin(services) : undefined;
    const seeded = await seedCatalogue(services);
    if (seeded > 0) logger.info({ products: seeded }, 'demo catalogue created');

    const server = createHttpServer({
      router: appRouter,
      createContext: createContextFactory(services),
      isReady: () => services.db.ping(),
      logger,
      metrics,
      trpcFastPath: config.fastPaths.trpc,
    });
    const url = await listen(server, config.port, config.host);
    const worker = startPaymentWorker({
      db,
      engine,
      settings,
      logger,
      now,
      metrics: counters,
      eventRetentionDays: config.events.retentionDays,
    });
    const natsRelay = startNatsRelayIfConfigured(config, db, logger, metrics.registry);
    const webhookWorker = startWebhookWorker({
      db,
      logger,
      now,
      settings: config.webhooks,
      metrics: counters,
      pollMs: config.events.pollMs,
    });

    let closing: Promise<void> | undefined;
    const startedOrm = orm;
    const startedDb = db;
    const startedEmbedded = embedded;
    return {
      url,
      demoAdmin,
      services,
      worker,
      natsRelay,
      webhookWorker,
      close() {
        closing ??= (async () => {
          // Stopping the engine ends the waits of in-flight `pay` calls, and closing the event
          // streams ends the open subscriptions (their clients reconnect and resume), so the
          // server's close, which waits for every response, is prompt.
          const serverClosed = closeServer(server);
          await Promise.all([
            eventStreams.close().then(() => serverClosed),
            worker.stop().then(() => engine.stop()),
            natsRelay?.stop(),
            webhookWorker.stop(),
          ]);
          await startedDb.close();
          await startedOrm.close(true);
          await startedEmbedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await db?.close();
    await orm?.close(true);
    await embedded?.stop();
    throw error;
  }
}

/**
 * With `NATS_URL` set, every instance runs the relay (one of them at a time publishes, by the
 * lease); it is not part of readiness: NATS down, the server serves on and events wait.
 */
function startNatsRelayIfConfigured(
  config: Config,
  db: Database,
  logger: Logger,
  registry: Registry,
): NatsRelay | undefined {
  const { url, stream, subjectPrefix } = config.nats;
  if (url === undefined) return undefined;
  // The leader gauge reads the relay, which exists by the time anything scrapes.
  const relay: NatsRelay = startNatsRelay({
    db,
    logger,
    metrics: registerNatsRelayMetrics(registry, {
      leader: () => relay.isLeader(),
      lag: () => relayLag({ db }, stream, RELAY_LAG_BOUND),
    }),
    settings: {
      servers: url,
      stream,
      subjectPrefix,
      pollMs: config.events.pollMs,
      leaseMs: NATS_RELAY_LEASE_MS,
    },
  });
  logger.info({ stream, subjectPrefix }, 'NATS relay started');
  return relay;
}

/** The relay's lease: a killed leader's successor starts within this (plus a renewal period). */
const NATS_RELAY_LEASE_MS = 5_000;
