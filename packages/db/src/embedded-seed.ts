import { readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A freshly initialised PGlite cluster, dumped once at build time (`pnpm build` runs
 * `build-embedded-seed.js`): a new embedded database loads it instead of running initdb in WASM,
 * its slowest step (≈ 1 s instead of 3–8 s on the development machine). It holds no schema — the
 * migrations still run at start-up — so it cannot fall out of step with them.
 */
export const EMBEDDED_SEED_FILE = fileURLToPath(
  new URL('../dist/embedded-seed.tar.gz', import.meta.url),
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
