import { mkdir } from 'node:fs/promises';
import { databaseTarget, initOrm, migrate, startEmbeddedPostgres } from '@orders/db';
import { ConfigError, loadConfig } from './config.js';

/** `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const embedded =
    config.databaseUrl === undefined
      ? await startEmbeddedPostgres({ dataDir: config.dataDir })
      : undefined;
  // A host list: the migrations run on its writable primary.
  const target =
    config.databaseUrl === undefined
      ? (embedded?.url ?? '')
      : databaseTarget(config.databaseUrl, {
          connectTimeoutMs: config.db.connectTimeoutMs || 5_000,
        });
  const orm = await initOrm({ clientUrl: target, poolMax: 1 });
  try {
    const applied = await migrate(orm);
    process.stdout.write(
      applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
    );
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `migration failed: ${String(error)}`;
  process.stderr.write(`orders: ${message}\n`);
  process.exitCode = 1;
});
