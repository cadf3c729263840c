import { classifyDbError } from '@orders/db';
import { TRPCError } from '@trpc/server';

/**
 * How long a client is told to wait (`Retry-After`, seconds) when the database is unavailable.
 * A failover takes a second or more (STACK-NOTES-2 §1), and the pools look for the primary again
 * at most every half second, so a client that waits this long asks again without hammering.
 */
export const RETRY_AFTER_SECONDS = 1;

export const SERVICE_UNAVAILABLE_MESSAGE =
  'the service is unavailable (its database cannot be reached); try again shortly';

/**
 * A failure because there is no usable database — unreachable, restarting, no writable primary
 * during a failover, or a demoted one (25006) — as SERVICE_UNAVAILABLE (503 with `Retry-After`):
 * the request did nothing, or it is unknown whether its commit landed, and trying again (with the
 * same idempotency key) is the right move. Anything else is left as it is.
 */
export function asServiceUnavailable(cause: unknown): TRPCError | undefined {
  if (classifyDbError(cause).kind !== 'connection') return undefined;
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: SERVICE_UNAVAILABLE_MESSAGE,
    cause,
  });
}

/** The response headers for a call that failed with these errors. */
export function retryAfterHeaders(
  errors: readonly { readonly code: string }[],
): Record<string, string> | undefined {
  return errors.some((e) => e.code === 'SERVICE_UNAVAILABLE')
    ? { 'retry-after': String(RETRY_AFTER_SECONDS) }
    : undefined;
}
