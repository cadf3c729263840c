import {
  simulateRefundAttempt,
  simulateTokenizedAttempt,
  type CardProfile,
  type GatewayOutcome,
  type RefundGatewayOutcome,
  type SimulatorNoise,
} from '@orders/core';
import type { StoredPayment } from '@orders/db';

/** What the gateway answered for one attempt, and how long the call took. */
export interface GatewayAnswer {
  readonly outcome: GatewayOutcome;
  readonly latencyMs: number;
}

/**
 * One call to the (simulated) gateway for an attempt of a payment, outside any transaction. The
 * card is the gateway's token for it, never its number; the attempt number is part of the
 * gateway's idempotency key (`<paymentId>:<attemptNo>`), so a re-driven attempt is the same call.
 */
export function callGateway(
  payment: StoredPayment,
  attemptNo: number,
  noise: SimulatorNoise,
): GatewayAnswer {
  const started = performance.now();
  const outcome = simulateTokenizedAttempt({
    profile: payment.gatewayToken,
    noiseKey: payment.cardFingerprint,
    attemptNo,
    noise,
  });
  return { outcome, latencyMs: Math.round(performance.now() - started) };
}

/**
 * One call to the (simulated) gateway for an attempt of a refund, outside any transaction: the
 * refund goes back to the card the payment was made with (its token), keyed by the refund's
 * attempt (`<refundId>:<attemptNo>`), so a re-driven attempt is the same call.
 */
export function callRefundGateway(
  refund: { readonly id: string },
  gatewayToken: CardProfile,
  attemptNo: number,
  noise: SimulatorNoise,
): { readonly outcome: RefundGatewayOutcome; readonly latencyMs: number } {
  const started = performance.now();
  const outcome = simulateRefundAttempt({
    profile: gatewayToken,
    noiseKey: refund.id,
    attemptNo,
    noise,
  });
  return { outcome, latencyMs: Math.round(performance.now() - started) };
}
