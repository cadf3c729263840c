import { randomUUID } from 'node:crypto';
import {
  asOrderId,
  cardProfileOf,
  err,
  ok,
  requestFingerprint,
  validateCard,
  type CardInput,
  type DomainError,
  type Result,
} from '@orders/core';
import type { Database } from '@orders/db';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { CardFingerprinter } from '../payments/card-fingerprint.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import { createPayment, PAY_SCOPE } from './create-payment.js';
import { getPaymentView, type PaymentView } from './get-payment.js';
import type { FinalPayment } from './record-attempt.js';

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

/**
 * `payments.pay` (DESIGN §2–3), in a straight line: the card is checked (nothing is created for an
 * invalid one) → one transaction claims the idempotency key and creates the payment, fraud
 * assessed (`createPayment`) → the engine drives its attempts → the call waits up to PAY_WAIT for
 * the outcome and returns the payment as it then stands (the client polls `payments.get` if it is
 * still running). A repeat of the request with its key reports the payment the first one created.
 */
export async function payOrder(
  deps: PayOrderDeps,
  input: PayOrderInput,
): Promise<Result<PaymentView, DomainError>> {
  const card = validateCard(input.paymentMethod, deps.now().getTime());
  if (!card.ok) return card;
  const cardFingerprint = deps.fingerprint(input.paymentMethod.number);
  const created = await createPayment(deps, {
    paymentId: randomUUID(),
    userId: input.userId,
    orderId: input.orderId,
    cardNumber: input.paymentMethod.number,
    card: card.value,
    cardFingerprint,
    gatewayToken: cardProfileOf(input.paymentMethod.number),
    // The fingerprint stands in for the card number: the stored hash never derives from a PAN.
    idempotency: {
      key: input.idempotencyKey,
      requestHash: requestFingerprint(PAY_SCOPE, {
        orderId: input.orderId,
        card: cardFingerprint,
        expMonth: input.paymentMethod.expMonth,
        expYear: input.paymentMethod.expYear,
      }),
    },
    leaseOwner: deps.engine.owner,
  });
  if (!created.ok) return created;

  const creation = created.value;
  switch (creation.kind) {
    case 'rejected': {
      deps.metrics.paymentSettled(creation.payment);
      const { payment } = creation;
      return ok({
        payment,
        attempts: [],
        order: { id: payment.orderId, status: 'FAILED' },
        refunds: [],
      });
    }
    case 'replay': {
      // The first request's drive may still be running here: its outcome, or the stored state.
      const final =
        creation.paymentId === null
          ? undefined
          : await deps.engine.awaitOutcome(creation.paymentId, deps.settings.payWaitMs);
      return final ? ok(viewOf(final)) : readView(deps, input);
    }
    case 'attempt': {
      // The drive goes on past PAY_WAIT if it must; the answer is then the payment as it is.
      deps.engine.drive(creation.payment.id, creation);
      const final = await deps.engine.awaitOutcome(creation.payment.id, deps.settings.payWaitMs);
      return final ? ok(viewOf(final)) : readView(deps, input);
    }
  }
}

function viewOf(final: FinalPayment): PaymentView {
  const { payment, attempts, orderStatus } = final;
  // A payment that has just settled has no refunds yet.
  return { payment, attempts, order: { id: payment.orderId, status: orderStatus }, refunds: [] };
}

/** The payment as the database has it now (still running, or driven by another instance). */
async function readView(
  deps: PayOrderDeps,
  input: PayOrderInput,
): Promise<Result<PaymentView, DomainError>> {
  const view = await getPaymentView(deps.db, { orderId: input.orderId, userId: input.userId });
  return view ? ok(view) : err({ code: 'PAYMENT.NOT_FOUND', orderId: asOrderId(input.orderId) });
}
