import { createApiClient, type ApiClient } from './api-client.js';
import { credentialsPath, loadCredentials } from './credentials.js';
import type { CliEnv } from './env.js';
import { ExitCode, ExitError, NOT_LOGGED_IN } from './errors.js';
import { createOutput, type CliIo, type Output } from './output.js';
import type { Asker } from './prompts.js';

/** The program-wide options, as commander parsed them. */
export interface GlobalOptions {
  readonly server: string;
  readonly json?: true | undefined;
  readonly color: boolean;
  readonly verbose?: true | undefined;
}

/** Everything a command needs from outside itself; built once per run. */
export interface CliContext {
  readonly io: CliIo;
  readonly env: CliEnv;
  /** Normalised: no trailing slash. */
  readonly server: string;
  readonly json: boolean;
  /** Prompts are allowed: stdin and stdout are terminals and the output is not `--json`. */
  readonly interactive: boolean;
  /** What the prompts need: whether they may ask, and the streams to ask on. */
  readonly asker: Asker;
  readonly out: Output;
  readonly credentialsFile: string;
  /** A client without a token, for sign-up and login. */
  publicClient(): Promise<ApiClient>;
  /**
   * A client with `ORDERSCTL_TOKEN` or the saved login for this server; exit 3 when there is none.
   * `timeoutMs` for a call known to take long (`payments.pay` waits for the outcome).
   */
  authedClient(options?: { readonly timeoutMs?: number }): Promise<ApiClient>;
}

/** Commands receive this and call it in their action, after the global options are parsed. */
export type ContextFactory = () => Promise<CliContext>;

export async function createContext(
  options: GlobalOptions,
  io: CliIo,
  env: CliEnv,
  version: string,
): Promise<CliContext> {
  const json = options.json === true;
  const server = normalizeServer(options.server);
  const credentialsFile = credentialsPath(env.configDir);
  const userAgent = `ordersctl/${version}`;
  const interactive = !json && io.stdin.isTTY === true && io.stdout.isTTY === true;
  return {
    io,
    env,
    server,
    json,
    interactive,
    asker: { interactive, input: io.stdin, output: io.stdout },
    out: await createOutput(io, { json, color: options.color && !env.noColor }),
    credentialsFile,
    publicClient: () => createApiClient({ server, userAgent }),
    async authedClient(options = {}) {
      const token = env.token ?? (await savedTokenFor(server, credentialsFile));
      return createApiClient({ server, token, userAgent, ...options });
    },
  };
}

/**
 * The saved token, only if it was issued by `server`: a bearer token sent to another host is a
 * token given away.
 */
async function savedTokenFor(server: string, file: string): Promise<string> {
  const saved = await loadCredentials(file);
  if (!saved) throw new ExitError(ExitCode.notLoggedIn, NOT_LOGGED_IN);
  if (saved.server !== server) {
    throw new ExitError(
      ExitCode.notLoggedIn,
      `not logged in to ${server} (the saved login is for ${saved.server}) — run \`ordersctl login\``,
    );
  }
  return saved.accessToken;
}

/** `http(s)://host[:port][/path]` without a trailing slash; anything else is a usage error. */
export function normalizeServer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    url = new URL('invalid:');
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new ExitError(
      ExitCode.usage,
      `invalid server URL "${raw}" — expected e.g. http://localhost:4000 (--server or ORDERSCTL_SERVER)`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
