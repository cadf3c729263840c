import { simulateTokenizedAttempt, type GatewayOutcome, type SimulatorNoise } from '@orders/core';
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
