import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  cardProfileOf,
  decideIdempotency,
  err,
  ok,
  requestFingerprint,
  validateCard,
  type CardInput,
  type DomainError,
  type Result,
} from '@orders/core';
import { claimIdempotencyKey, type Database, type Sql } from '@orders/db';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { CardFingerprinter } from '../payments/card-fingerprint.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import type { SettledPayment } from '../payments/payment-steps.js';
import { createPayment, type CreateRefusal } from './create-payment.js';
import { getPaymentView, type PaymentView } from './get-payment.js';

export interface PayOrderInput {
  readonly userId: string;
  readonly orderId: string;
  readonly paymentMethod: CardInput & { readonly type: 'card' };
  readonly idempotencyKey: string;
}

export interface PayOrderDeps {
  readonly db: Database;
  readonly engine: PaymentEngine;
  readonly settings: PaymentSettings;
  readonly fingerprint: CardFingerprinter;
  readonly now: () => Date;
  readonly metrics: DomainMetrics;
}

const SCOPE = 'payments.pay';
const FRAUD_REJECTION = { status: 'FAILED_FINAL', failureCode: 'FRAUD_REJECTED' } as const;

/**
 * `payments.pay` (DESIGN §2–3): the card is checked (nothing is created for an invalid one); one
 * transaction claims the idempotency key and creates the payment (fraud assessed; a rejection
 * ends it there), which is then driven through its attempts. Waits up to PAY_WAIT for a final
 * state and returns the payment as it then stands; the client polls `payments.get` if it is still
 * running. A repeat of the request with the key reports the payment the first one created.
 */
export async function payOrder(
  deps: PayOrderDeps,
  input: PayOrderInput,
): Promise<Result<PaymentView, DomainError>> {
  const card = validateCard(input.paymentMethod, deps.now().getTime());
  if (!card.ok) return card;
  const cardFingerprint = deps.fingerprint(input.paymentMethod.number);
  // The fingerprint stands in for the card number: the stored hash never derives from a PAN.
  const requestHash = requestFingerprint(SCOPE, {
    orderId: input.orderId,
    card: cardFingerprint,
    expMonth: input.paymentMethod.expMonth,
    expYear: input.paymentMethod.expYear,
  });
  const paymentId = randomUUID();

  const created = await createPayment(deps, {
    userId: input.userId,
    orderId: input.orderId,
    cardNumber: input.paymentMethod.number,
    card: card.value,
    cardFingerprint,
    gatewayToken: cardProfileOf(input.paymentMethod.number),
    paymentId,
    leaseOwner: deps.engine.owner,
    claim: (tx) => claimKey(tx, deps, { ...input, requestHash, paymentId }),
  });
  if (!created.ok) {
    const refusal = created.error;
    if (refusal.kind === 'refused') return err(refusal.error);
    const settled =
      refusal.paymentId === null
        ? undefined
        : await deps.engine.settle(refusal.paymentId, deps.settings.payWaitMs);
    return settled ? ok(viewOf(settled)) : readView(deps, input);
  }
  const { payment } = created.value;
  if (created.value.kind === 'rejected') {
    deps.metrics.paymentSettled(FRAUD_REJECTION);
    return ok({ payment, attempts: [], order: { id: payment.orderId, status: 'FAILED' } });
  }
  // The drive goes on past PAY_WAIT (it never rejects); the answer is then the payment as it is.
  void deps.engine.drive(payment.id, created.value);
  const settled = await deps.engine.settle(payment.id, deps.settings.payWaitMs);
  return settled ? ok(viewOf(settled)) : readView(deps, input);
}

/**
 * Claims the key for this request, already COMPLETED with the payment about to be created: it
 * commits with the payment or not at all. A key someone else holds is decided by the core:
 * the same request replays, a different one is KEY_REUSED.
 */
async function claimKey(
  tx: Sql,
  deps: PayOrderDeps,
  request: PayOrderInput & { requestHash: string; paymentId: string },
): Promise<Result<void, CreateRefusal>> {
  const claim = await claimIdempotencyKey(tx, {
    userId: request.userId,
    scope: SCOPE,
    key: request.idempotencyKey,
    requestHash: request.requestHash,
    resourceId: request.paymentId,
    at: deps.now(),
  });
  if (claim.claimed) return ok(undefined);
  const { record } = claim;
  const decision = decideIdempotency(
    { key: request.idempotencyKey, requestHash: record.requestHash, state: record.state },
    request.requestHash,
  );
  if (!decision.ok) return err({ kind: 'refused', error: decision.error });
  return err({ kind: 'replay', paymentId: record.resourceId });
}

function viewOf(settled: SettledPayment): PaymentView {
  const { payment, attempts, orderStatus } = settled;
  return { payment, attempts, order: { id: payment.orderId, status: orderStatus } };
}

/** The payment as the database has it now (still running, or driven by another instance). */
async function readView(
  deps: PayOrderDeps,
  input: PayOrderInput,
): Promise<Result<PaymentView, DomainError>> {
  const view = await getPaymentView(deps.db, { orderId: input.orderId, userId: input.userId });
  return view ? ok(view) : err({ code: 'PAYMENT.NOT_FOUND', orderId: asOrderId(input.orderId) });
}
