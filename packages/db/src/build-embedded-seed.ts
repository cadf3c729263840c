// Run by `pnpm build` after tsc: dumps an empty PGlite cluster for new embedded databases to load.
import { EMBEDDED_SEED_FILE, writeEmbeddedSeed } from './embedded-seed.js';

const bytes = await writeEmbeddedSeed();
process.stdout.write(`embedded seed: ${EMBEDDED_SEED_FILE} (${Math.round(bytes / 1024)} KiB)\n`);
