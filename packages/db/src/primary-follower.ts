import pg from 'pg';
import {
  DatabaseUrlError,
  describeDatabaseUrl,
  hostPort,
  hostUrl,
  paramOf,
  parseDatabaseUrl,
  type DatabaseHost,
  type DatabaseUrl,
} from './database-url.js';
import { isPrimaryLost, NO_WRITABLE_PRIMARY } from './db-errors.js';

/** The writable primary, as found by one search. */
export interface Primary {
  readonly host: DatabaseHost;
  /** A one-host URL of it, for pg (and the ORM): the list's parameters, SSL settled. */
  readonly url: string;
  /** Changes when a search finds another primary: a pool made for an older one is stale. */
  readonly generation: number;
}

/** What a search saw, for the log: found (where), or lost (why it searches again). */
export type PrimaryEvent =
  | { readonly kind: 'found'; readonly primary: string; readonly skipped: readonly string[] }
  | { readonly kind: 'lost'; readonly primary: string; readonly reason: string }
  | { readonly kind: 'none'; readonly skipped: readonly string[] };

/**
 * Follows the writable primary of a multi-host `DATABASE_URL` (libpq's
 * `target_session_attrs=read-write`): every pool asks it where to connect, reports the errors
 * that mean the primary is gone (see `isPrimaryLost`), and the next connection goes wherever the
 * next search finds one. One search runs at a time and every caller waiting shares it; after a
 * search that found none, callers fail at once for `retryMs` before another may start, so an
 * outage under load costs one probe of each host per `retryMs`, not one per request.
 */
export interface PrimaryFollower {
  /** The primary; searches for it first when none is known. Rejects when no host qualifies. */
  primary(): Promise<Primary>;
  /** The primary known now, without searching. */
  known(): Primary | undefined;
  /**
   * A connection to `generation`'s primary failed with `error`: when the error says the
   * primary is gone and it is still the one known, it is forgotten (the next caller searches).
   */
  failed(generation: number, error: unknown): void;
  /** The URL for messages: hosts, user, database; never the password. */
  readonly description: string;
}

export interface PrimaryFollowerOptions {
  readonly url: DatabaseUrl;
  /** A host that has not answered within this is skipped. */
  readonly connectTimeoutMs: number;
  /** After a search that found none, how long callers are refused before the next search. */
  readonly retryMs?: number;
  readonly onEvent?: (event: PrimaryEvent) => void;
  readonly now?: () => number;
}

/** The error callers get while there is no writable primary: classified as a connection fault. */
export class NoWritablePrimaryError extends Error {
  override readonly name = 'NoWritablePrimaryError';
  readonly code = NO_WRITABLE_PRIMARY;
}

export function followPrimary(options: PrimaryFollowerOptions): PrimaryFollower {
  const { url, connectTimeoutMs, retryMs = 500, onEvent, now = Date.now } = options;
  const description = describeDatabaseUrl(url);
  let current: Primary | undefined;
  /** The last primary found, and when: a search that finds it again keeps its pools. */
  let last: { primary: Primary; at: number } | undefined;
  let search: Promise<Primary> | undefined;
  let refused: { until: number; error: NoWritablePrimaryError } | undefined;

  async function find(): Promise<Primary> {
    const skipped: string[] = [];
    for (const host of url.hosts) {
      const probe = await probeHost(url, host, connectTimeoutMs);
      if (probe.kind === 'primary') {
        onEvent?.({ kind: 'found', primary: hostPort(host), skipped });
        const same = last !== undefined && last.primary.url === probe.url;
        const generation = (last?.primary.generation ?? 0) + (same ? 0 : 1);
        return { host, url: probe.url, generation };
      }
      skipped.push(`${hostPort(host)} (${probe.reason})`);
    }
    onEvent?.({ kind: 'none', skipped });
    throw new NoWritablePrimaryError(`no writable primary among ${skipped.join(', ')}`);
  }

  return {
    description,
    known: () => current,
    primary() {
      if (current !== undefined) return Promise.resolve(current);
      if (search !== undefined) return search;
      if (refused !== undefined && now() < refused.until) return Promise.reject(refused.error);
      search = find().then(
        (found) => {
          current = found;
          last = { primary: found, at: now() };
          refused = undefined;
          return found;
        },
        (error: unknown) => {
          if (error instanceof NoWritablePrimaryError) refused = { until: now() + retryMs, error };
          throw error;
        },
      );
      const clear = () => {
        search = undefined;
      };
      search.then(clear, clear);
      return search;
    },
    failed(lostGeneration, error) {
      if (current?.generation !== lostGeneration || !isPrimaryLost(error)) return;
      // The failures of connections made before the last search, arriving after it: that search
      // already saw the primary, within `retryMs`.
      if (last !== undefined && now() - last.at < retryMs) return;
      onEvent?.({ kind: 'lost', primary: hostPort(current.host), reason: reasonOf(error) });
      current = undefined;
    },
  };
}

type Probe = { kind: 'primary'; url: string } | { kind: 'skipped'; reason: string };

/**
 * Connects to one host and asks whether it takes writes. Out of recovery is not enough: a
 * promoted standby answers `transaction_read_only = on` until its failover manager opens it
 * (about a second on a planned pg_auto_failover failover; STACK-NOTES-2 §2).
 */
async function probeHost(
  url: DatabaseUrl,
  host: DatabaseHost,
  connectTimeoutMs: number,
): Promise<Probe> {
  let reason = 'no answer';
  for (const sslmode of sslAttempts(paramOf(url, 'sslmode'))) {
    const candidate = hostUrl(url, host, { sslmode, target_session_attrs: undefined });
    const client = new pg.Client({
      connectionString: candidate,
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: connectTimeoutMs,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ recovery: boolean; read_only: string }>(
        `select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') as read_only`,
      );
      const [row] = rows;
      if (row?.recovery === true) return { kind: 'skipped', reason: 'in recovery' };
      if (row?.read_only !== 'off') return { kind: 'skipped', reason: 'read-only' };
      return { kind: 'primary', url: candidate };
    } catch (error) {
      reason = reasonOf(error);
      // `prefer`: the server does not do SSL, so the next try goes without it (libpq's fallback).
      if (!/does not support SSL/i.test(error instanceof Error ? error.message : '')) break;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { kind: 'skipped', reason };
}

/**
 * The `sslmode`s to try, in order. pg has no `prefer` (try SSL, else without) nor `allow`: it
 * reads `prefer` as `verify-full`. For those two the probe tries SSL without verification (what
 * libpq's `prefer` does) and then without SSL, and the primary's URL names the one that worked.
 * Any other mode is pg's, as for a one-host URL.
 */
function sslAttempts(sslmode: string | undefined): readonly (string | undefined)[] {
  if (sslmode === 'prefer' || sslmode === 'allow') return ['no-verify', 'disable'];
  return [sslmode];
}

/** A short reason for a log line: a code or the first words of the message, never SQL. */
function reasonOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const message = error instanceof Error ? error.message.slice(0, 120) : '';
  return code !== undefined && !/^[0-9A-Z]{5}$/.test(code) ? code : message || (code ?? 'error');
}

/** `target_session_attrs` values the server can run on: it writes, so only a primary will do. */
const WRITABLE_ATTRS = new Set(['any', 'read-write', 'primary']);

/**
 * Where the pools connect: a one-host URL as it is (pg reads it, exactly as before), or for a
 * host list (`h1:5432,h2:5433`) a follower of its writable primary. A list is always read as
 * `target_session_attrs=read-write`, whatever it says (a server that writes needs the primary);
 * a list asking for a standby is refused.
 */
export function databaseTarget(
  url: string,
  options: Omit<PrimaryFollowerOptions, 'url'>,
): string | PrimaryFollower {
  if (!namesHostList(url)) return url;
  const parsed = parseDatabaseUrl(url);
  if (parsed.hosts.length === 1) return url; // a ',' in the password, not a list
  const attrs = paramOf(parsed, 'target_session_attrs');
  if (attrs !== undefined && !WRITABLE_ATTRS.has(attrs)) {
    throw new DatabaseUrlError(
      `target_session_attrs=${attrs} in the database URL asks for a standby; the server writes, so it needs read-write (the default for a host list)`,
    );
  }
  return followPrimary({ ...options, url: parsed });
}

/** True when the URL's host part is a comma-separated list (libpq's multi-host form). */
export function namesHostList(url: string): boolean {
  return /^postgres(ql)?:\/\/[^/?#]*,/.test(url.trim());
}
