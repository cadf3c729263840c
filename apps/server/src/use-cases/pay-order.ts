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
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
  type EntityManager,
} from '@orders/db';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { CardFingerprinter } from '../payments/card-fingerprint.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import { createPayment } from './create-payment.js';
import { getPaymentView, type PaymentView } from './get-payment.js';

export interface PayOrderInput {
  readonly userId: string;
  readonly orderId: string;
  readonly paymentMethod: CardInput & { readonly type: 'card' };
  readonly idempotencyKey: string;
}

export interface PayOrderDeps {
  readonly em: EntityManager;
  readonly engine: PaymentEngine;
  readonly settings: PaymentSettings;
  readonly fingerprint: CardFingerprinter;
  readonly now: () => Date;
  readonly metrics: DomainMetrics;
}

const SCOPE = 'payments.pay';
const FRAUD_REJECTION = { status: 'FAILED_FINAL', failureCode: 'FRAUD_REJECTED' } as const;

/**
 * `payments.pay` (DESIGN §2–3): the card is checked (nothing is created for an invalid one), the
 * idempotency key is claimed, the payment is created (fraud assessed; a rejection ends it there),
 * then driven through its attempts. Waits up to PAY_WAIT for a final state and returns the
 * payment as it then stands; the client polls `payments.get` if it is still running.
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
  const keyRef = { userId: input.userId, scope: SCOPE, key: input.idempotencyKey };

  const claim = await claimIdempotencyKey(deps.em.fork(), {
    ...keyRef,
    requestHash,
    at: deps.now(),
  });
  if (!claim.claimed) {
    const { record } = claim;
    const now = deps.now();
    const stale =
      record.state === 'IN_PROGRESS' &&
      record.lockedAt !== null &&
      now.getTime() - record.lockedAt.getTime() > deps.settings.staleKeyMs;
    if (!stale) {
      const decision = decideIdempotency(
        { key: input.idempotencyKey, requestHash: record.requestHash, state: record.state },
        requestHash,
      );
      if (!decision.ok) return decision;
      return report(deps, input, record.resourceId);
    }
    // The request that held the key died before finishing: take it over (one taker wins).
    if (record.requestHash !== requestHash) {
      return err({ code: 'IDEMPOTENCY.KEY_REUSED', key: input.idempotencyKey });
    }
    const taken = await takeOverIdempotencyKey(deps.em.fork(), {
      ...keyRef,
      lockedAt: record.lockedAt,
      at: now,
    });
    if (!taken) return err({ code: 'IDEMPOTENCY.IN_PROGRESS', key: input.idempotencyKey });
  }

  const created = await createPayment(deps, {
    userId: input.userId,
    orderId: input.orderId,
    cardNumber: input.paymentMethod.number,
    card: card.value,
    cardFingerprint,
    gatewayToken: cardProfileOf(input.paymentMethod.number),
    paymentId: randomUUID(),
    leaseOwner: deps.engine.owner,
    onCreated: (em, paymentId) => completeIdempotencyKey(em, { ...keyRef, resourceId: paymentId }),
  });
  if (!created.ok) {
    // Nothing happened, so nothing is remembered: a retry with the key is evaluated afresh.
    await releaseIdempotencyKey(deps.em.fork(), keyRef);
    return created;
  }
  // A payment is final at creation only when the fraud rules rejected it.
  if (created.value.final) deps.metrics.paymentSettled(FRAUD_REJECTION);
  else void deps.engine.drive(created.value.paymentId);
  return report(deps, input, created.value.paymentId);
}

/**
 * The payment as it stands once its local drive (if this instance runs one) has finished, or
 * PAY_WAIT has passed: one read, after the wait.
 */
async function report(
  deps: PayOrderDeps,
  input: PayOrderInput,
  paymentId: string | null,
): Promise<Result<PaymentView, DomainError>> {
  if (paymentId !== null) await deps.engine.settle(paymentId, deps.settings.payWaitMs);
  const view = await getPaymentView(deps.em.fork(), {
    orderId: input.orderId,
    userId: input.userId,
  });
  return view ? ok(view) : err({ code: 'PAYMENT.NOT_FOUND', orderId: asOrderId(input.orderId) });
}
