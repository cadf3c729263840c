import type { AppRouter } from '@orders/server';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';

/** The typed API: `client.auth.me.query()`, `client.orders.create.mutate(…)`, … */
export type ApiClient = TRPCClient<AppRouter>;

/** A request that has not answered by then is given up (exit 5). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiClientOptions {
  /** e.g. `http://localhost:4000`; procedures live under `/trpc`. */
  readonly server: string;
  /** Sent as `Authorization: Bearer …` when present. */
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
  readonly userAgent: string;
}

/**
 * A tRPC client over plain HTTP, one request per call (no batching: one failure, one request in
 * the server log); subscriptions (`events.subscribe`) run over Server-Sent Events, through the
 * `eventsource` package (Node 20 has no global EventSource), with the same headers. The client
 * library is loaded here, on first use, so `--help` never pays for it.
 */
export async function createApiClient(options: ApiClientOptions): Promise<ApiClient> {
  const [{ createTRPCClient, httpLink, httpSubscriptionLink, splitLink }, { EventSource }] =
    await Promise.all([import('@trpc/client'), import('eventsource')]);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const headers: Record<string, string> = { 'user-agent': options.userAgent };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  // Every request gives up after `timeoutMs`, as well as when tRPC itself aborts it.
  const timedFetch = (url: string | URL | Request, init?: RequestInit) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(url, { ...init, signal });
  };
  const url = `${options.server}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: { fetch: streamFetch(headers, timeoutMs) },
        }),
        false: httpLink({ url, headers, fetch: timedFetch }),
      }),
    ],
  });
}

/**
 * The EventSource's requests: the client's headers (the token) added to its own (`Accept`,
 * `Last-Event-ID`), and a connection that has not answered within `timeoutMs` given up — the
 * EventSource then tries again, as after any network failure. Once the stream is open it may stay
 * quiet for as long as it likes.
 */
function streamFetch(headers: Readonly<Record<string, string>>, timeoutMs: number) {
  return async (
    url: string | URL,
    init: { signal?: AbortSignal; headers?: Record<string, string> },
  ) => {
    const noAnswer = new AbortController();
    const timer = setTimeout(() => {
      noAnswer.abort(new DOMException('no answer in time', 'TimeoutError'));
    }, timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, noAnswer.signal]) : noAnswer.signal;
    try {
      return await fetch(url, { ...init, headers: { ...init.headers, ...headers }, signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

type Outputs = inferRouterOutputs<AppRouter>;

/** The API's shapes (DESIGN §3), as the server's types say — nothing is restated by hand. */
export type Product = Outputs['products']['list'][number];
export type Order = Outputs['orders']['get'];
export type OrderPage = Outputs['orders']['list'];
export type Payment = Outputs['payments']['get'];
export type OrderLedger = Outputs['ledger']['forOrder'];
export type LedgerReport = Outputs['ledger']['verify'];
export type Refund = Outputs['refunds']['list'][number];
export type EventPage = Outputs['events']['list'];
export type EventEnvelope = EventPage['items'][number];
export type WebhookEndpoint = Outputs['webhooks']['list'][number];
export type CreatedWebhookEndpoint = Outputs['webhooks']['create'];
export type WebhookDeliveryPage = Outputs['webhooks']['deliveries'];
export type WebhookDelivery = WebhookDeliveryPage['items'][number];
