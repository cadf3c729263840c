import type { IncomingMessage } from 'node:http';
import type { Database, EntityManager, Orm } from '@orders/db';
import type { Logger } from 'pino';
import type { TokenService, TokenSubject } from '../auth/jwt.js';
import type { Config } from '../config.js';
import type { AppMetrics } from '../metrics/app-metrics.js';
import type { CardFingerprinter } from '../payments/card-fingerprint.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import type { CatalogueMemory } from '../fast-paths/catalogue-memory.js';
import type { EventStreams } from '../events/event-streams.js';

/** Long-lived things a request may use; built once by the composition root. */
export interface AppServices {
  readonly config: Config;
  /** The ORM: the schema's owner, and the unit of work of the user paths. */
  readonly orm: Orm;
  /** Statements and transactions on the db package's own pool (every other path). */
  readonly db: Database;
  readonly tokens: TokenService;
  readonly logger: Logger;
  readonly payments: {
    readonly engine: PaymentEngine;
    readonly settings: PaymentSettings;
    readonly fingerprint: CardFingerprinter;
  };
  /** The catalogue memory fast path; null when `CATALOGUE_MEMORY=false`. */
  readonly catalogue: CatalogueMemory | null;
  /** The clock; tests pass a fixed one. */
  readonly now: () => Date;
  /** This instance's Prometheus registry and the counters the use cases increment. */
  readonly metrics: AppMetrics;
  /** The open `events.subscribe` streams, closed at shutdown. */
  readonly eventStreams: EventStreams;
}

/** What the bearer token (if any) established about the caller. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly subject: TokenSubject }
  | { readonly kind: 'rejected'; readonly reason: 'expired' | 'invalid' };

/** Everything a procedure sees. Tests build it directly with `createContextInner`. */
export interface Context {
  readonly services: AppServices;
  /** SQL and transactions. */
  readonly db: Database;
  /** A fresh EntityManager (a fork of the ORM's) for the work that uses entities. */
  em(): EntityManager;
  readonly caller: Caller;
  readonly clientIp: string;
  /** The `Idempotency-Key` request header, for procedures that accept the key that way. */
  readonly idempotencyKeyHeader: string | undefined;
}

export function createContextInner(opts: {
  services: AppServices;
  caller?: Caller;
  clientIp?: string;
  idempotencyKeyHeader?: string;
}): Context {
  return {
    services: opts.services,
    db: opts.services.db,
    em: () => opts.services.orm.em.fork(),
    caller: opts.caller ?? { kind: 'anonymous' },
    clientIp: opts.clientIp ?? 'local',
    idempotencyKeyHeader: opts.idempotencyKeyHeader,
  };
}

/**
 * What a tRPC adapter passes to `createContext`: the HTTP request and what tRPC read from it —
 * the call's type and the client's connection parameters (tRPC's `connectionParams`), if any.
 */
export interface ContextRequest {
  readonly req: IncomingMessage;
  readonly info?: {
    readonly type?: string;
    readonly connectionParams?: Readonly<Record<string, string | undefined>> | null;
  };
}

/**
 * The outer context: reads the HTTP request (bearer token, peer address, idempotency key). The
 * token comes from the `Authorization` header; a subscription without one may send it in its
 * connection parameters (`{ token }`), as a browser's EventSource cannot send headers. Only a
 * subscription: anywhere else a token belongs in the header, not in a URL that proxies log.
 */
export function createContextFactory(services: AppServices) {
  return async ({ req, info }: ContextRequest): Promise<Context> => {
    const idempotencyKey = req.headers['idempotency-key'];
    const paramToken = info?.type === 'subscription' ? info.connectionParams?.token : undefined;
    const authorization =
      req.headers.authorization ?? (paramToken === undefined ? undefined : `Bearer ${paramToken}`);
    return createContextInner({
      services,
      caller: await identifyCaller(services, authorization),
      clientIp: req.socket.remoteAddress ?? 'unknown',
      ...(typeof idempotencyKey === 'string' ? { idempotencyKeyHeader: idempotencyKey } : {}),
    });
  };
}

async function identifyCaller(
  services: AppServices,
  authorization: string | undefined,
): Promise<Caller> {
  if (authorization === undefined || authorization === '') return { kind: 'anonymous' };
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization.trim());
  if (!match?.[1]) return { kind: 'rejected', reason: 'invalid' };
  const check = await services.tokens.verify(match[1], services.now());
  return check.ok
    ? { kind: 'user', subject: check.subject }
    : { kind: 'rejected', reason: check.reason };
}
