// Runs a payment to its end through the same two core decisions the server's payment engine
// makes per attempt — `beginAttempt`, then `settleAttempt` on the gateway's outcome — with the
// simulator answering at once and time jumping to each retry. Used by the payment and ledger
// tests.
import { simulateGatewayAttempt, type SimulatorNoise } from '../gateway/card-simulator.js';
import type { StockLine } from '../inventory/stock.js';
import type { ChainLink } from '../ledger/hash-chain.js';
import type { JournalEntry } from '../ledger/journal.js';
import type { Payment, PaymentAttempt } from '../payments/payment.js';
import { beginAttempt } from '../payments/run-attempt.js';
import { settleAttempt, type AttemptSettlement } from '../payments/settle-attempt.js';
import {
  DEFAULT_RETRY_POLICY,
  type RandomSource,
  type RetryPolicy,
} from '../retry/retry-policy.js';

export interface DrivenPayment {
  readonly payment: Payment;
  readonly attempts: readonly PaymentAttempt[];
  /** Each attempt's settlement, in order: what the engine would have written. */
  readonly settlements: readonly AttemptSettlement<Payment>[];
  readonly entries: readonly JournalEntry[];
  readonly links: readonly ChainLink[];
  readonly finishedAt: number;
}

export interface DriveOptions {
  readonly cardNumber: string;
  readonly now: number;
  readonly random?: RandomSource;
  readonly policy?: RetryPolicy;
  readonly noise?: SimulatorNoise;
  readonly lines?: readonly StockLine[];
}

export function drivePayment(initial: Payment, options: DriveOptions): DrivenPayment {
  let payment = initial;
  let now = options.now;
  const settlements: AttemptSettlement<Payment>[] = [];
  while (payment.status !== 'SUCCESS' && payment.status !== 'FAILED_FINAL') {
    const started = beginAttempt(payment, settlements);
    if (!started.ok) throw new Error(started.error.code);
    const outcome = simulateGatewayAttempt({
      cardNumber: options.cardNumber,
      attemptNo: started.value.attemptNo,
      ...(options.noise ? { noise: options.noise } : {}),
    });
    const settled = settleAttempt({
      payment: started.value.payment,
      attempts: settlements,
      outcome,
      latencyMs: 3,
      now,
      policy: options.policy ?? DEFAULT_RETRY_POLICY,
      random: options.random ?? (() => 0.5),
      lines: options.lines ?? [],
    });
    if (!settled.ok) throw new Error(settled.error.code);
    settlements.push(settled.value);
    payment = settled.value.payment;
    now = payment.nextAttemptAt ?? now;
  }
  const captures = settlements.flatMap((s) =>
    s.conclusion?.capture ? [s.conclusion.capture] : [],
  );
  return {
    payment,
    attempts: settlements.map((s) => s.attempt),
    settlements,
    entries: captures.map((c) => c.entry),
    links: settlements.flatMap((s) => [
      s.attemptLink,
      ...(s.conclusion?.capture ? [s.conclusion.capture.link] : []),
    ]),
    finishedAt: now,
  };
}
