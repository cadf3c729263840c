import { randomUUID } from 'node:crypto';
import {
  ok,
  requestFingerprint,
  type DomainError,
  type RefundRequest,
  type Result,
} from '@orders/core';
import { listRefundsForOrder, type Database, type RefundWithAttempts } from '@orders/db';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import { createRefund, REFUND_SCOPE } from './create-refund.js';

export interface RefundOrderInput {
  readonly adminId: string;
  readonly orderId: string;
  readonly request: RefundRequest;
  readonly idempotencyKey: string;
}

export interface RefundOrderDeps {
  readonly db: Database;
  readonly engine: PaymentEngine;
  readonly settings: PaymentSettings;
  readonly now: () => Date;
  readonly metrics: DomainMetrics;
}

/**
 * `refunds.create` (DESIGN §2–3), in a straight line, `payments.pay`'s shape: one transaction
 * claims the idempotency key and creates the refund, decided by core and held by the database
 * against the capture (`createRefund`) → the payment engine drives its attempts → the call waits
 * up to PAY_WAIT for the outcome and returns the refund as it then stands. A repeat of the
 * request with its key reports the refund the first one created.
 */
export async function refundOrder(
  deps: RefundOrderDeps,
  input: RefundOrderInput,
): Promise<Result<RefundWithAttempts, DomainError>> {
  const { request } = input;
  const created = await createRefund(deps, {
    refundId: randomUUID(),
    adminId: input.adminId,
    orderId: input.orderId,
    request,
    idempotency: {
      key: input.idempotencyKey,
      requestHash: requestFingerprint(REFUND_SCOPE, {
        orderId: input.orderId,
        amountCents: request.amountCents ?? null,
        reason: request.reason,
        note: request.note ?? null,
        restock: request.restock ?? [],
      }),
    },
    leaseOwner: deps.engine.owner,
  });
  if (!created.ok) return created;

  const creation = created.value;
  const refundId = creation.kind === 'replay' ? creation.refundId : creation.refund.id;
  if (creation.kind === 'attempt') deps.engine.driveRefund(creation.refund.id, creation);
  const final =
    refundId === null
      ? undefined
      : await deps.engine.awaitRefundOutcome(refundId, deps.settings.payWaitMs);
  if (final !== undefined) return ok(final);
  // Still running (or driven by another instance): the refund as the database has it now.
  const stored = (await listRefundsForOrder(deps.db, input.orderId)).find(
    (r) => r.refund.id === refundId,
  );
  // The key is written with the refund it names: a key without its refund is a bug.
  if (stored === undefined) throw new Error(`refund ${refundId ?? '?'} of its key is gone`);
  return ok(stored);
}
