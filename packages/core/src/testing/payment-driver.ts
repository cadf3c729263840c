// Drives a payment from INITIATED to its end through the real core functions, the way the
// server's use case does, minus the database. Used by the engine and ledger tests.
import { simulateGatewayAttempt, type SimulatorNoise } from '../gateway/card-simulator.js';
import {
  appendToPaymentChain,
  attemptChainRecord,
  journalChainRecord,
} from '../ledger/hash-chain.js';
import type { ChainLink } from '../ledger/hash-chain.js';
import { buildCaptureEntry, type JournalEntry } from '../ledger/journal.js';
import type { Payment, PaymentAttempt } from '../payments/payment.js';
import {
  applyAttemptDecision,
  beginAttempt,
  decideAfterAttempt,
  gatewayIdempotencyKey,
} from '../payments/run-attempt.js';
import {
  DEFAULT_RETRY_POLICY,
  type RandomSource,
  type RetryPolicy,
} from '../retry/retry-policy.js';

export interface DrivenPayment {
  readonly payment: Payment;
  readonly attempts: readonly PaymentAttempt[];
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
}

export function drivePayment(initial: Payment, options: DriveOptions): DrivenPayment {
  const random = options.random ?? (() => 0.5);
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  let payment = initial;
  let now = options.now;
  const attempts: PaymentAttempt[] = [];
  const entries: JournalEntry[] = [];
  const links: ChainLink[] = [];

  while (payment.status !== 'SUCCESS' && payment.status !== 'FAILED_FINAL') {
    const started = beginAttempt(payment, attempts);
    if (!started.ok) throw new Error(started.error.code);
    payment = started.value.payment;
    const outcome = simulateGatewayAttempt({
      cardNumber: options.cardNumber,
      attemptNo: started.value.attemptNo,
      ...(options.noise ? { noise: options.noise } : {}),
    });
    const decided = decideAfterAttempt({ payment, attempts, outcome, now, policy, random });
    if (!decided.ok) throw new Error(decided.error.code);
    const attempt: PaymentAttempt = {
      ...decided.value.attempt,
      at: now,
      latencyMs: 3,
      gatewayRef: `sim_${gatewayIdempotencyKey(payment.id, started.value.attemptNo)}`,
    };
    attempts.push(attempt);
    const appended = appendToPaymentChain(payment, attemptChainRecord(payment.id, attempt));
    links.push(appended.link);
    payment = applyAttemptDecision(appended.payment, decided.value);
    if (payment.status === 'SUCCESS') {
      const capture = buildCaptureEntry(payment.id, payment.amount);
      entries.push(capture);
      const captured = appendToPaymentChain(payment, journalChainRecord(capture));
      links.push(captured.link);
      payment = captured.payment;
    }
    now = payment.nextAttemptAt ?? now;
  }
  return { payment, attempts, entries, links, finishedAt: now };
}
