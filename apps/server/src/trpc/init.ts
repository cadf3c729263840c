import { isUnknownUserReference } from '@orders/db';
import type { TokenSubject } from '../auth/jwt.js';
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context.js';
import { formatError } from './error-format.js';
import { domainErrorToTRPC } from './domain-error-map.js';
import { asServiceUnavailable } from './service-unavailable.js';

const SSE_PING_MS = 5_000;

/**
 * The one tRPC instance. `isDev: false` always: a stack trace never leaves the server, whatever
 * NODE_ENV says. Procedures may carry `meta.openapi`: the REST mirror's method and path.
 */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    isDev: false,
    errorFormatter: formatError,
    // Event streams (SSE): a ping every 5 s keeps a quiet stream alive through proxies, and tells
    // the client a stream that carried nothing for 15 s is dead — it then reconnects and resumes.
    sse: {
      ping: { enabled: true, intervalMs: SSE_PING_MS },
      client: { reconnectAfterInactivityMs: 3 * SSE_PING_MS },
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Anyone, signed in or not. Every procedure is built on this one: a call that failed because
 * there is no usable database answers 503 with `Retry-After`, not 500 (see
 * `asServiceUnavailable`).
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const unavailable = asServiceUnavailable(result.error.cause);
    if (unavailable !== undefined) throw unavailable;
  }
  return result;
});

/**
 * A caller with a valid, unexpired token; `ctx.user` is who it names. A genuine token may still
 * name a user the database does not have (the account is gone, or the database was restored from
 * an older backup). No read checks that on every request: the writes that reference the user
 * find it through their foreign key, and that refusal is the caller's session, not a bug.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const { caller } = ctx;
  switch (caller.kind) {
    case 'user': {
      const result = await next({ ctx: { user: caller.subject } });
      if (!result.ok && isUnknownUserReference(result.error.cause)) {
        throw domainErrorToTRPC({ code: 'AUTH.UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
      }
      return result;
    }
    case 'anonymous':
      throw domainErrorToTRPC({ code: 'AUTH.UNAUTHENTICATED', reason: 'MISSING_TOKEN' });
    case 'rejected':
      throw domainErrorToTRPC({
        code: 'AUTH.UNAUTHENTICATED',
        reason: caller.reason === 'expired' ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN',
      });
  }
});

/** FORBIDDEN unless the caller is an ADMIN: the check of every admin procedure. */
export function assertAdmin(user: TokenSubject): void {
  if (user.role !== 'ADMIN') {
    throw domainErrorToTRPC({ code: 'AUTH.FORBIDDEN', requiredRole: 'ADMIN' });
  }
}

/** A signed-in ADMIN. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  assertAdmin(ctx.user);
  return next();
});

export { TRPCError };
