import {
  describeDomainError,
  type DomainError,
  type DomainErrorCode,
  type Result,
} from '@orders/core';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';

/**
 * How each business failure reaches a client. `satisfies Record<DomainErrorCode, …>` makes this
 * exhaustive: a new code in the core does not compile until it is given a transport code here.
 */
export const trpcCodeFor = {
  'AUTH.INVALID_CREDENTIALS': 'UNAUTHORIZED',
  'AUTH.EMAIL_TAKEN': 'CONFLICT',
  'AUTH.UNAUTHENTICATED': 'UNAUTHORIZED',
  'AUTH.FORBIDDEN': 'FORBIDDEN',
  'AUTH.RATE_LIMITED': 'TOO_MANY_REQUESTS',
  'ORDER.NOT_FOUND': 'NOT_FOUND',
  'ORDER.INVALID_TRANSITION': 'CONFLICT',
  'ORDER.NOT_PENDING': 'CONFLICT',
  'ORDER.INVALID_LINES': 'BAD_REQUEST',
  'ORDER.INVALID_QUANTITY': 'BAD_REQUEST',
  'ORDER.DUPLICATE_SKU': 'BAD_REQUEST',
  'ORDER.UNKNOWN_SKU': 'UNPROCESSABLE_CONTENT',
  'ORDER.CURRENCY_MISMATCH': 'UNPROCESSABLE_CONTENT',
  'ORDER.AMOUNT_TOO_LARGE': 'UNPROCESSABLE_CONTENT',
  'ORDER.EXPIRED': 'CONFLICT',
  'INVENTORY.INSUFFICIENT_STOCK': 'CONFLICT',
  'INVENTORY.PRODUCT_NOT_FOUND': 'NOT_FOUND',
  'INVENTORY.BELOW_RESERVED': 'CONFLICT',
  'INVENTORY.INVALID_QUANTITY': 'BAD_REQUEST',
  'PAYMENT.NOT_FOUND': 'NOT_FOUND',
  'PAYMENT.INVALID_CARD': 'BAD_REQUEST',
  'PAYMENT.INVALID_TRANSITION': 'CONFLICT',
  'PAYMENT.ALREADY_PAID': 'CONFLICT',
  'PAYMENT.AMOUNT_MISMATCH': 'UNPROCESSABLE_CONTENT',
  'PAYMENT.INVALID_AMOUNT': 'UNPROCESSABLE_CONTENT',
  'REFUND.NOT_REFUNDABLE': 'CONFLICT',
  'REFUND.AMOUNT_EXCEEDS_REFUNDABLE': 'UNPROCESSABLE_CONTENT',
  'REFUND.INVALID_AMOUNT': 'BAD_REQUEST',
  'REFUND.INVALID_RESTOCK': 'UNPROCESSABLE_CONTENT',
  'REFUND.INVALID_TRANSITION': 'CONFLICT',
  'FRAUD.REJECTED': 'UNPROCESSABLE_CONTENT',
  'IDEMPOTENCY.KEY_REUSED': 'UNPROCESSABLE_CONTENT',
  'IDEMPOTENCY.IN_PROGRESS': 'CONFLICT',
  'LEDGER.UNBALANCED': 'INTERNAL_SERVER_ERROR',
  'LEDGER.DUPLICATE_REFERENCE': 'CONFLICT',
  'WEBHOOK.NOT_FOUND': 'NOT_FOUND',
  'WEBHOOK.INVALID_URL': 'BAD_REQUEST',
  'WEBHOOK.EVENT_NOT_FOUND': 'NOT_FOUND',
} as const satisfies Record<DomainErrorCode, TRPC_ERROR_CODE_KEY>;

/** Carries the domain error through tRPC to the error formatter, which exposes its code. */
export class DomainFailure extends Error {
  override readonly name = 'DomainFailure';
  constructor(readonly domainError: DomainError) {
    super(describeDomainError(domainError));
  }
}

export function domainErrorToTRPC(error: DomainError): TRPCError {
  const cause = new DomainFailure(error);
  return new TRPCError({ code: trpcCodeFor[error.code], message: cause.message, cause });
}

/** The value of a successful result; a failed one becomes the mapped tRPC error. */
export function unwrap<T>(result: Result<T, DomainError>): T {
  if (result.ok) return result.value;
  throw domainErrorToTRPC(result.error);
}
