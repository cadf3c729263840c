import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(PACKAGE_DIR, 'src');
const DIST = join(PACKAGE_DIR, 'dist');
const STAMP = join(DIST, '.source-hash');
const LOCK = join(PACKAGE_DIR, '.build-lock');
const STALE_LOCK_MS = 120_000;

/**
 * Emits dist/ exactly as `pnpm build` does, minus the type check (typecheck does that), so a
 * test of the binary always runs this source, not a stale build. Test files run in parallel
 * workers: a lock directory makes one of them build while the others wait, and a hash of the
 * sources lets the others skip a build that is already current — a second build under a running
 * test would rewrite files as it reads them.
 */
export async function buildCli(): Promise<void> {
  await acquireLock();
  try {
    const hash = await sourceHash();
    const built = await readFile(STAMP, 'utf8').catch(() => '');
    if (built === hash) return;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const project = join(PACKAGE_DIR, 'tsconfig.build.json');
    execFileSync(process.execPath, [tsc, '-p', project, '--noCheck'], { stdio: 'inherit' });
    await writeFile(STAMP, hash);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

async function acquireLock(): Promise<void> {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const age =
        Date.now() -
        (await stat(LOCK).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      // A lock older than any build is left over from a killed run.
      if (age > STALE_LOCK_MS || Date.now() > deadline)
        await rm(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Every file the build reads: the sources (tests included, harmlessly) and its configs. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(SRC, { recursive: true }))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(SRC, f));
  for (const file of [
    ...files,
    join(PACKAGE_DIR, 'tsconfig.build.json'),
    join(PACKAGE_DIR, 'package.json'),
  ]) {
    hash.update(file).update(await readFile(file));
  }
  return hash.digest('hex');
}
