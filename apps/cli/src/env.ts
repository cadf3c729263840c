import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where the CLI talks to when neither `--server` nor `ORDERSCTL_SERVER` says otherwise. */
export const DEFAULT_SERVER = 'http://localhost:4000';

/** Everything the CLI takes from its environment, read once and passed down. */
export interface CliEnv {
  /** `ORDERSCTL_SERVER`, when set. */
  readonly server: string | undefined;
  /** `ORDERSCTL_TOKEN`, when set: used instead of the saved login. */
  readonly token: string | undefined;
  /** `NO_COLOR` set to anything non-empty (https://no-color.org). */
  readonly noColor: boolean;
  /** The directory holding `ordersctl/credentials.json`. */
  readonly configDir: string;
}

/**
 * Reads the variables the CLI understands. This is the only module that touches `process.env`;
 * tests pass their own map. An empty variable counts as unset, as in `VAR= ordersctl …`.
 */
export function loadCliEnv(
  vars: Readonly<Record<string, string | undefined>> = process.env,
): CliEnv {
  const get = (name: string): string | undefined => {
    const value = vars[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = get('XDG_CONFIG_HOME');
  return {
    server: get('ORDERSCTL_SERVER'),
    token: get('ORDERSCTL_TOKEN'),
    noColor: get('NO_COLOR') !== undefined,
    configDir: xdg !== undefined && isAbsolute(xdg) ? xdg : join(homeOf(vars), '.config'),
  };
}

function homeOf(vars: Readonly<Record<string, string | undefined>>): string {
  const home = vars.HOME;
  return home !== undefined && home !== '' ? home : homedir();
}
