// Run by `pnpm build` after tsc: dumps the clusters new embedded databases start from — an empty
// one, and one with this build's migrations applied (see embedded-seed.ts).
import { writeFile } from 'node:fs/promises';
import { startEmbeddedPostgres } from './embedded.js';
import { EMBEDDED_SEED_FILE, MIGRATED_SEED_FILE, writeEmbeddedSeed } from './embedded-seed.js';
import { initOrm, migrate } from './orm.js';

const bare = await writeEmbeddedSeed(EMBEDDED_SEED_FILE);
const embedded = await startEmbeddedPostgres({ seedFile: EMBEDDED_SEED_FILE });
try {
  const orm = await initOrm({ clientUrl: embedded.url });
  const applied = await migrate(orm);
  await orm.close(true);
  const migrated = await embedded.dump();
  await writeFile(MIGRATED_SEED_FILE, migrated);
  const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
  process.stdout.write(
    `embedded seeds: empty ${kib(bare)}, migrated (${applied.length} migrations) ${kib(migrated.length)}\n`,
  );
} finally {
  await embedded.stop();
}
