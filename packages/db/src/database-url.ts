/** One server a `DATABASE_URL` names. */
export interface DatabaseHost {
  readonly host: string;
  readonly port: number;
}

/**
 * A `postgres://` URL as libpq reads it, which may name several servers
 * (`postgres://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write`): node-postgres parses one
 * host only (its URL parser throws on a list), so the list is split here and each server is then
 * reached through pg's own parsing of a one-host URL ({@link hostUrl}).
 */
export interface DatabaseUrl {
  readonly scheme: 'postgres' | 'postgresql';
  /** In the order given: the order they are tried in. */
  readonly hosts: readonly DatabaseHost[];
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  /** The query parameters, decoded, in order (`sslmode`, `application_name`, …). */
  readonly params: readonly (readonly [string, string])[];
}

/** A `DATABASE_URL` that cannot be read. The message never contains the password. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

export const DEFAULT_PORT = 5432;

const URL_SHAPE = /^(postgres|postgresql):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/;

/** Reads a `postgres://` URL with one host or a comma-separated list of them, libpq style. */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const match = URL_SHAPE.exec(url.trim());
  if (!match) {
    throw new DatabaseUrlError(
      'the database URL must look like postgres://user:password@host:port,host:port/database',
    );
  }
  const [, scheme, authority = '', path = '', query = ''] = match;
  // The last '@' ends the user info, as in WHATWG URLs (and so in pg for one host).
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : authority.slice(0, at);
  const hostList = at === -1 ? authority : authority.slice(at + 1);
  const colon = userInfo === undefined ? -1 : userInfo.indexOf(':');
  const rawUser =
    userInfo === undefined ? undefined : colon === -1 ? userInfo : userInfo.slice(0, colon);
  const rawPassword =
    userInfo === undefined || colon === -1 ? undefined : userInfo.slice(colon + 1);
  return {
    scheme: scheme === 'postgresql' ? 'postgresql' : 'postgres',
    hosts: parseHosts(hostList),
    user: rawUser === undefined || rawUser === '' ? undefined : decode(rawUser, 'the user name'),
    password: rawPassword === undefined ? undefined : decode(rawPassword, 'the password'),
    database: path.length > 1 ? decode(path.slice(1), 'the database name') : undefined,
    params: parseParams(query),
  };
}

function parseHosts(list: string): DatabaseHost[] {
  if (list === '') throw new DatabaseUrlError('the database URL names no host');
  return list.split(',').map((entry, index) => {
    const which = `host ${index + 1} of the database URL`;
    if (entry === '') throw new DatabaseUrlError(`${which} is empty`);
    let host: string;
    let port: string | undefined;
    if (entry.startsWith('[')) {
      // An IPv6 address: [addr] or [addr]:port.
      const close = entry.indexOf(']');
      if (close === -1) throw new DatabaseUrlError(`${which} has an unclosed '[' (IPv6)`);
      host = entry.slice(1, close);
      const rest = entry.slice(close + 1);
      if (rest !== '' && !rest.startsWith(':')) {
        throw new DatabaseUrlError(`${which} has text after its IPv6 address`);
      }
      port = rest === '' ? undefined : rest.slice(1);
      if (!/^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(decode(host, which))) {
        throw new DatabaseUrlError(`${which} is not an IPv6 address in brackets`);
      }
      host = decode(host, which);
    } else {
      const colon = entry.lastIndexOf(':');
      host = decode(colon === -1 ? entry : entry.slice(0, colon), which);
      port = colon === -1 ? undefined : entry.slice(colon + 1);
      if (host === '') throw new DatabaseUrlError(`${which} has a port but no name`);
      if (host.includes(':')) {
        throw new DatabaseUrlError(`${which} looks like an IPv6 address: put it in brackets`);
      }
    }
    return { host, port: parsePort(port, which) };
  });
}

function parsePort(port: string | undefined, which: string): number {
  if (port === undefined || port === '') return DEFAULT_PORT;
  const value = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(value >= 1 && value <= 65_535)) {
    throw new DatabaseUrlError(`the port of ${which} must be a number from 1 to 65535`);
  }
  return value;
}

function parseParams(query: string): [string, string][] {
  if (query === '' || query === '?') return [];
  const params: [string, string][] = [];
  for (const pair of query.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq), 'a query parameter');
    const value = eq === -1 ? '' : decodeParam(pair.slice(eq + 1), key);
    params.push([key, value]);
  }
  return params;
}

function decodeParam(value: string, key: string): string {
  // A parameter may carry a secret (`password=`): its value is never quoted.
  return decode(value.replace(/\+/g, ' '), `the value of ${key}`);
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DatabaseUrlError(`${what} in the database URL is not percent-encoded correctly`);
  }
}

/** The value of a query parameter (the last one given), if any. */
export function paramOf(url: DatabaseUrl, key: string): string | undefined {
  return url.params.findLast(([k]) => k === key)?.[1];
}

/**
 * A one-host URL for `host`, with every part of `url` but the host list, for pg's own parser.
 * `params` replaces the query parameters (undefined values are dropped).
 */
export function hostUrl(
  url: DatabaseUrl,
  host: DatabaseHost,
  params: Readonly<Record<string, string | undefined>> = {},
): string {
  const user = url.user === undefined ? '' : encodeURIComponent(url.user);
  const password = url.password === undefined ? '' : `:${encodeURIComponent(url.password)}`;
  const userInfo = user === '' && password === '' ? '' : `${user}${password}@`;
  const database = url.database === undefined ? '' : `/${encodeURIComponent(url.database)}`;
  const merged = new Map(url.params);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) merged.delete(key);
    else merged.set(key, value);
  }
  const query = [...merged]
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${url.scheme}://${userInfo}${hostPort(host)}${database}${query === '' ? '' : `?${query}`}`;
}

/** `host:port`, an IPv6 address in brackets: for URLs and messages. */
export function hostPort({ host, port }: DatabaseHost): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The URL for logs and messages: user, hosts and database, never the password or parameters. */
export function describeDatabaseUrl(url: DatabaseUrl): string {
  const user = url.user === undefined ? '' : `${encodeURIComponent(url.user)}@`;
  const database = url.database === undefined ? '' : `/${encodeURIComponent(url.database)}`;
  return `${url.scheme}://${user}${url.hosts.map(hostPort).join(',')}${database}`;
}
