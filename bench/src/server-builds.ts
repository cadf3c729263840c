import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The root of the checkout this bench belongs to: "this build". */
export const THIS_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** A built checkout of this repository whose server the bench can start. */
export interface ServerBuild {
  /** `this build` or `against`: how the report names it. */
  readonly role: 'this build' | 'against';
  readonly root: string;
  /** `<root>/apps/server/dist/main.js`. */
  readonly serverMain: string;
  /** The checkout's commit, `+changes` when tracked files differ from it; null outside git. */
  readonly revision: string | null;
}

export function serverMainIn(root: string): string {
  return join(root, 'apps', 'server', 'dist', 'main.js');
}

/** The build at `root`, refused when its server has not been built. */
export async function locateServerBuild(
  role: ServerBuild['role'],
  root: string,
): Promise<ServerBuild> {
  const serverMain = serverMainIn(root);
  try {
    await access(serverMain);
  } catch {
    throw new Error(
      `${role} (${root}) has no built server: ${serverMain} is missing (run pnpm install there)`,
    );
  }
  return { role, root, serverMain, revision: await revisionOf(root) };
}

/** `<role> (<root>)`: the one name by which the output tells the builds apart. */
export function nameOf(build: ServerBuild): string {
  return `${build.role} (${build.root})`;
}

async function revisionOf(root: string): Promise<string | null> {
  const git = promisify(execFile);
  try {
    const head = await git('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
    const changes = await git('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']);
    return `${head.stdout.trim()}${changes.stdout.trim() === '' ? '' : '+changes'}`;
  } catch {
    return null;
  }
}

/** A value for each of the two builds compared, named by role so that the two cannot be swapped. */
export interface BuildPair<T> {
  readonly thisBuild: T;
  readonly against: T;
}

/**
 * `work` on this build's value, then on against's (or against's first): one at a time, as the two
 * share the machine.
 */
export async function eachBuild<T, U>(
  pair: BuildPair<T>,
  work: (value: T) => Promise<U>,
  first: keyof BuildPair<T> = 'thisBuild',
): Promise<BuildPair<U>> {
  if (first === 'against') {
    const against = await work(pair.against);
    return { thisBuild: await work(pair.thisBuild), against };
  }
  const thisBuild = await work(pair.thisBuild);
  return { thisBuild, against: await work(pair.against) };
}

/** This build's value, then against's. */
export function bothBuilds<T>(pair: BuildPair<T>): readonly [T, T] {
  return [pair.thisBuild, pair.against];
}
