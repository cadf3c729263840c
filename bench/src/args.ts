import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { THIS_ROOT } from './server-builds.js';

export interface BenchArgs {
  /** Virtual users: concurrent checkout loops. */
  readonly users: number;
  /** Seconds of measured load per side (after the warm-up). */
  readonly duration: number;
  /**
   * Slices each side's load is cut into, the sides taking turns (server, SQL, server, …), so
   * both are measured under the same machine: a shared VM's speed drifts over a minute.
   */
  readonly rounds: number;
  /** Products to spread the orders over. */
  readonly skus: number;
  readonly warmup: number;
  /** An already running server to measure instead of starting one. */
  readonly url: string | undefined;
  /** The PostgreSQL server the benchmark databases are created on. */
  readonly databaseUrl: string;
  readonly out: string | undefined;
  /** With `--url`: that server's admin (ADMIN_EMAIL / ADMIN_PASSWORD). */
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  /**
   * `--against <path>`: the root of another, built checkout of this repository (absolute; a
   * relative path is taken from this checkout's root, since pnpm runs the bench in `bench/`).
   * The bench then measures this build's server beside that one's instead of beside raw SQL.
   */
  readonly against: string | undefined;
}

/** The admin of an external server; required with `--url`. */
export function adminOf(args: BenchArgs): { email: string; password: string } {
  if (!args.admin) throw new Error('with --url, set ADMIN_EMAIL and ADMIN_PASSWORD of that server');
  return { ...args.admin };
}

/**
 * `pnpm bench -- --users 32 --duration 20 --skus 1000 [--rounds 4] [--warmup 3] [--url U]
 * [--out F] [--against PATH]`
 */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      users: { type: 'string', default: '32' },
      duration: { type: 'string', default: '20' },
      skus: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '3' },
      url: { type: 'string' },
      out: { type: 'string' },
      against: { type: 'string' },
    },
  });
  if (values.against !== undefined && values.url !== undefined) {
    throw new Error("--against starts both builds' servers itself: it cannot be used with --url");
  }
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new Error(
      'DATABASE_URL must name a real PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test): ' +
        'the embedded database runs one transaction at a time and makes no headline figure',
    );
  }
  return {
    users: positive(values.users, 'users'),
    duration: positive(values.duration, 'duration'),
    skus: positive(values.skus, 'skus'),
    rounds: positive(values.rounds, 'rounds'),
    warmup: Number(values.warmup),
    url: values.url,
    databaseUrl,
    out: values.out,
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : undefined,
    against: values.against === undefined ? undefined : resolve(THIS_ROOT, values.against),
  };
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}
