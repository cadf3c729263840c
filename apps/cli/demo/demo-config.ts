import { fileURLToPath } from 'node:url';

/** Everything the demo takes from its environment (the only reader of `process.env`). */
export interface DemoConfig {
  /** The repository root, where `apps/*\/dist` live. */
  readonly root: string;
  /** When set, the story runs a second time on a fresh database on this PostgreSQL server. */
  readonly databaseUrl: string | undefined;
  /** Passed on to every child process, so `node` and `psql` are found. */
  readonly path: string;
}

export function loadDemoConfig(vars: NodeJS.ProcessEnv = process.env): DemoConfig {
  const databaseUrl = vars.DATABASE_URL?.trim();
  return {
    // demo/dist/config.js → the repository root, four levels up.
    root: fileURLToPath(new URL('../../../../', import.meta.url)),
    databaseUrl: databaseUrl === undefined || databaseUrl === '' ? undefined : databaseUrl,
    path: vars.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  };
}
