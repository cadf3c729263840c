import { mkdir } from 'node:fs/promises';
import { startApp } from './app.js';
import { ConfigError, FRAUD_DEFAULTS, loadConfig } from './config.js';

/** Composition root: config → database → server; SIGTERM/SIGINT close everything. */
async function main(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const app = await startApp(config);
  const { logger } = app.services;

  if (config.env === 'development') {
    const { fraudUserVelocityMax, fraudCardSharedMax } = config.payments;
    const { designed } = FRAUD_DEFAULTS;
    process.stderr.write(
      `fraud rules (development): USER_VELOCITY above ${fraudUserVelocityMax} payments a minute, ` +
        `CARD_SHARED above ${fraudCardSharedMax} users per card — production uses ` +
        `${designed.userVelocityMax} and ${designed.cardSharedMax} (FRAUD_USER_VELOCITY_MAX, ` +
        `FRAUD_CARD_SHARED_MAX)\n`,
    );
  }
  const admin = app.demoAdmin;
  if (admin !== undefined) {
    // Printed on the terminal, not logged: a log line never carries a secret.
    process.stderr.write(
      admin.created
        ? `demo admin created: ${admin.email} / ${admin.password} (kept in ${admin.file})\n`
        : `demo admin: ${admin.email} (password in ${admin.file})\n`,
    );
  }
  logger.info(
    { url: app.url, database: config.databaseUrl ? 'postgres' : 'embedded' },
    'listening',
  );

  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        logger.info('stopped');
      },
      () => {
        logger.error('shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `could not start: ${describeStartError(error)}`;
  process.stderr.write(`orders: ${message}\n`);
  process.exitCode = 1;
});

function describeStartError(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    return 'the port is already in use (set PORT to another one)';
  }
  if (error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED') {
    return 'the database refused the connection (is DATABASE_URL right and the server up?)';
  }
  return error instanceof Error ? error.message : String(error);
}
