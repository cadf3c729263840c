import type { AppRouter } from '@orders/server';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { IN_PROGRESS, type History, type Operation } from './history.js';
import type { ServerInstance } from './servers.js';

export type Client = ReturnType<typeof clientFor>;

/** A typed tRPC client, one HTTP request per call (no batching: a batch would share a fate). */
export function clientFor(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      }),
    ],
  });
}

/** What one call came back with. */
export type Outcome<T> =
  | { readonly result: 'ok'; readonly value: T }
  | { readonly result: 'error'; readonly code: string }
  | { readonly result: 'unknown'; readonly reason: string };

/** True when the outcome settles what happened to the key: done, or definitely refused. */
export function isDefinite<T>(outcome: Outcome<T>): boolean {
  return outcome.result === 'ok' || (outcome.result === 'error' && outcome.code !== IN_PROGRESS);
}

/** A user's clients, one per instance, so each call can go to any instance. */
export interface Caller {
  readonly name: string;
  readonly clients: ReadonlyMap<number, Client>;
}

export function callerFor(name: string, token: string, instances: readonly ServerInstance[]) {
  const clients = new Map(instances.map((i) => [i.index, clientFor(i.url, token)] as const));
  return { name, clients };
}

/**
 * Makes one call on `instance` with a deadline, records it in the history, and returns its
 * outcome. Never throws for a failed call: every failure is an outcome.
 */
export async function invoke<T extends { id: string; status: string }>(
  history: History,
  caller: Caller,
  instance: ServerInstance,
  operation: Pick<Operation, 'op' | 'key' | 'input'>,
  call: (client: Client, signal: AbortSignal) => Promise<T>,
): Promise<Outcome<T>> {
  const client = caller.clients.get(instance.index);
  if (client === undefined) throw new Error(`${caller.name} has no client for ${instance.url}`);
  const start = history.now();
  history.sending(operation.key, instance.index);
  let outcome: Outcome<T>;
  try {
    const value = await call(client, AbortSignal.timeout(operation.input.timeoutMs));
    outcome = { result: 'ok', value };
  } catch (error) {
    outcome = classify(error);
  }
  history.record({
    client: caller.name,
    instance: instance.index,
    ...operation,
    start,
    end: history.now(),
    result: outcome.result,
    ...detailOf(outcome),
  });
  return outcome;
}

function detailOf<T extends { id: string; status: string }>(
  outcome: Outcome<T>,
): Pick<Operation, 'value' | 'errorCode'> {
  switch (outcome.result) {
    case 'ok':
      return { value: { id: outcome.value.id, status: outcome.value.status } };
    case 'error':
      return { errorCode: outcome.code };
    case 'unknown':
      return { errorCode: outcome.reason };
  }
}

/**
 * A 4xx is a definite answer (the server refused and did nothing); a 5xx, a timeout or a broken
 * connection leaves it open whether the server did the work.
 */
function classify(error: unknown): Exclude<Outcome<never>, { result: 'ok' }> {
  if (!(error instanceof TRPCClientError)) return { result: 'unknown', reason: reasonOf(error) };
  const { data, cause } = error as TRPCClientError<AppRouter>;
  if (data === undefined || data === null) return { result: 'unknown', reason: reasonOf(cause) };
  if (data.httpStatus >= 500) return { result: 'unknown', reason: `http-${data.httpStatus}` };
  return { result: 'error', code: data.domainCode ?? data.code };
}

/** `timeout` for the client's own deadline, `connection` for a refused or broken connection. */
function reasonOf(cause: unknown): string {
  if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
    return 'timeout';
  }
  return 'connection';
}
