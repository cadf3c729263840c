import type { AddressInfo } from 'node:net';
import {
  createRateLimitRepository,
  initOrm,
  migrate,
  pingDatabase,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type Orm,
} from '@orders/db';
import { createTokenService } from './auth/jwt.js';
import { resolveJwtSecret } from './auth/jwt-secret.js';
import type { Config } from './config.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { appRouter } from './router.js';
import { createContextFactory, type AppServices } from './trpc/context.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';
import { LOGIN_LIMIT } from './use-cases/log-in.js';

export interface RunningApp {
  /** e.g. `http://127.0.0.1:4000` */
  readonly url: string;
  readonly services: AppServices;
  /** Stops accepting requests, then closes the ORM and the embedded database. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Replaces the JSON logger (tests pass a silent one). */
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** The composition root's work: database → migrations → services → HTTP. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  let embedded: EmbeddedPostgres | undefined;
  let orm: Orm | undefined;
  try {
    let clientUrl = config.databaseUrl;
    if (clientUrl === undefined) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
      clientUrl = embedded.url;
      logger.info({ dataDir: config.dataDir }, 'embedded database started');
    }
    orm = await initOrm({ clientUrl, poolMax: config.dbPoolMax });
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    await createRateLimitRepository(orm.em.fork()).prune(LOGIN_LIMIT.windowMs, now());

    if (config.admin) await bootstrapAdmin({ em: orm.em.fork(), now: now() }, config.admin);
    const tokens = await createTokenService(await resolveJwtSecret(config));
    const services: AppServices = { config, orm, tokens, logger, now };
    const server = createHttpServer({
      router: appRouter,
      createContext: createContextFactory(services),
      isReady: () => pingDatabase(services.orm),
      logger,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    let closing: Promise<void> | undefined;
    const startedOrm = orm;
    const startedEmbedded = embedded;
    return {
      url,
      services,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            server.closeIdleConnections();
          });
          await startedOrm.close(true);
          await startedEmbedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await orm?.close(true);
    await embedded?.stop();
    throw error;
  }
}
