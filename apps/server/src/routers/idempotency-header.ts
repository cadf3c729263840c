import { TRPCError } from '@trpc/server';
import { assertAdmin, authedProcedure } from '../trpc/init.js';

/**
 * A refused input, with issues shaped as a schema's (a path of keys, a message), so the error
 * formatter reports it in `data.issues` exactly as it reports a schema's own refusal.
 */
class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  constructor(readonly issues: readonly { path: string[]; message: string }[]) {
    super('invalid input');
  }
}

/**
 * An authed procedure whose `idempotencyKey` input may instead come in an `Idempotency-Key`
 * header (Stripe's convention; what REST clients expect). The header fills the field before the
 * input is validated, so the schema and every rule behind it stay the same for both transports;
 * the tRPC input type still requires the field. When both are sent they must be equal: quietly
 * preferring one would hide a client bug that could charge twice.
 */
export const authedWithIdempotencyHeader = authedProcedure.use(
  async ({ ctx, getRawInput, next }) => {
    const header = ctx.idempotencyKeyHeader;
    if (header === undefined) return next();
    const raw = await getRawInput();
    // Anything but an object is left for the input schema to refuse.
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return next();
    const inBody: unknown = (raw as Record<string, unknown>).idempotencyKey;
    if (inBody !== undefined && inBody !== header) {
      const issue = {
        path: ['idempotencyKey'],
        message: 'differs from the Idempotency-Key header',
      };
      throw new TRPCError({ code: 'BAD_REQUEST', cause: new InvalidInput([issue]) });
    }
    const merged = { ...raw, idempotencyKey: header };
    return next({ getRawInput: () => Promise.resolve(merged) });
  },
);

/** An ADMIN procedure whose `idempotencyKey` may come in the header, as above. */
export const adminWithIdempotencyHeader = authedWithIdempotencyHeader.use(({ ctx, next }) => {
  assertAdmin(ctx.user);
  return next();
});
