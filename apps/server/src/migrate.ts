import { ConfigError, loadConfig } from './config.js';
import { migrateDatabase } from './migrate-database.js';

/** `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const { created, applied } = await migrateDatabase(config);
  if (created !== null) {
    process.stdout.write(`database "${created}" did not exist: created it (${config.env})\n`);
  }
  process.stdout.write(
    applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : `migration failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`orders: ${message}\n`);
  process.exitCode = 1;
});
