import type { Payment } from '../api-client.js';

type Attempt = Payment['attempts'][number];

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** A transient failure `ms` after the start. */
export const errorAt = (number: number, ms: number): Attempt => ({
  number,
  outcome: 'ERROR',
  code: 'gateway_timeout',
  latencyMs: 12,
  at: at(ms),
});

export const approvedAt = (number: number, ms: number): Attempt => ({
  number,
  outcome: 'APPROVED',
  code: null,
  latencyMs: 9,
  at: at(ms),
});

/** A payment snapshot as the API returns it; times are milliseconds after a fixed start. */
export function snapshot(
  status: Payment['status'],
  attempts: readonly Attempt[],
  extra: { nextAttemptAtMs?: number; failureCode?: Payment['failureCode'] } = {},
): Payment {
  const final = status === 'SUCCESS' || status === 'FAILED_FINAL';
  return {
    id: 'pay-1',
    orderId: 'order-1',
    status,
    amountCents: 2500,
    currency: 'USD',
    failureCode: extra.failureCode ?? null,
    card: { brand: 'visa', last4: '0341' },
    fraud: { score: 0, verdict: 'ALLOW', signals: [] },
    attempts: [...attempts],
    nextAttemptAt: extra.nextAttemptAtMs === undefined ? null : at(extra.nextAttemptAtMs),
    order: {
      id: 'order-1',
      status: status === 'SUCCESS' ? 'CONFIRMED' : final ? 'FAILED' : 'PENDING',
    },
    refundedCents: 0,
    refunds: [],
  };
}
