import { readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * Clusters dumped once at build time (`pnpm build` runs `build-embedded-seed.js`) for new
 * embedded databases to load instead of running initdb in WASM, their slowest step (≈ 1 s instead
 * of 3–8 s on the development machine). `EMBEDDED_SEED_FILE` is an empty cluster (tests start from
 * it, and run the migrations themselves); `MIGRATED_SEED_FILE` has this build's migrations
 * applied, recorded in the ORM's migrations table as any migrated database has them — the server
 * still runs the migrations at start-up, and finds nothing left to do (or, from an older seed,
 * applies what is newer).
 */
export const EMBEDDED_SEED_FILE = fileURLToPath(
  new URL('../dist/embedded-seed.tar.gz', import.meta.url),
);
export const MIGRATED_SEED_FILE = fileURLToPath(
  new URL('../dist/embedded-seed-migrated.tar.gz', import.meta.url),
);

/** Writes the seed: an empty cluster, as initdb leaves it, gzipped. */
export async function writeEmbeddedSeed(path: string = EMBEDDED_SEED_FILE): Promise<number> {
  const db = await PGlite.create('memory://');
  try {
    const dump = await db.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    await writeFile(path, bytes);
    return bytes.length;
  } finally {
    await db.close();
  }
}

/** The seed, if the build made one; else undefined (a new cluster is then created from scratch). */
export async function readEmbeddedSeed(
  path: string = EMBEDDED_SEED_FILE,
): Promise<Blob | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return new Blob([await readFile(path)]);
  } catch {
    return undefined;
  }
}
