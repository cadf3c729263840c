import type { GatewayOutcome } from '../gateway/card-simulator.js';

/**
 * Retry with exponential backoff and jitter, as Stripe's SDK does (DESIGN §2 Payments). The wait
 * before attempt n+1 is `d = min(cap, base·factor^(n−1))` times a random factor in [0.5, 1].
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly factor: number;
  readonly capMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseMs: 200,
  factor: 2,
  capMs: 5000,
};

/** A random source returning numbers in [0, 1], injected so the core stays deterministic. */
export type RandomSource = () => number;

/**
 * The default policy with `overrides` applied; throws a RangeError for a policy that makes no
 * sense (config is fatal when wrong, at start-up).
 */
export function createRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const { maxAttempts, baseMs, factor, capMs } = policy;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  if (!Number.isSafeInteger(baseMs) || baseMs < 0) {
    throw new RangeError(`baseMs must be a non-negative integer, got ${baseMs}`);
  }
  if (!Number.isSafeInteger(capMs) || capMs < baseMs) {
    throw new RangeError(`capMs must be an integer ≥ baseMs, got ${capMs}`);
  }
  if (!Number.isFinite(factor) || factor < 1) {
    throw new RangeError(`factor must be a finite number ≥ 1, got ${factor}`);
  }
  return policy;
}

/**
 * `d = min(cap, base·factor^(n−1))`, rounded down to whole ms: the nominal wait after attempt
 * `n` (1-based) before attempt n+1.
 */
export function nominalDelay(
  attemptNo: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  if (!Number.isSafeInteger(attemptNo) || attemptNo < 1) {
    throw new RangeError(`attemptNo must be a positive integer, got ${attemptNo}`);
  }
  return Math.floor(Math.min(policy.capMs, policy.baseMs * policy.factor ** (attemptNo - 1)));
}

/**
 * The jittered wait after attempt `n`: `floor(d · (0.5 + 0.5·random()))`, kept within
 * [⌈d/2⌉, d] so that an odd `d` cannot round below half of it.
 */
export function retryDelay(attemptNo: number, policy: RetryPolicy, random: RandomSource): number {
  const d = nominalDelay(attemptNo, policy);
  const r = random();
  if (!(r >= 0 && r <= 1)) throw new RangeError(`random source returned ${r}, outside [0, 1]`);
  const jittered = Math.floor(d * (0.5 + 0.5 * r));
  return Math.min(d, Math.max(Math.ceil(d / 2), jittered));
}

/** Whether attempt `attemptNo` leaves another attempt under the policy. */
export function hasAttemptsLeft(attemptNo: number, policy: RetryPolicy): boolean {
  return attemptNo < policy.maxAttempts;
}

/** How a gateway outcome affects retrying. */
export type OutcomeClass = 'APPROVED' | 'PERMANENT' | 'TRANSIENT';

/**
 * Declines are permanent (never retried: retrying a decline is how cards get blocked);
 * processing errors and timeouts are transient.
 */
export function classifyOutcome(outcome: Pick<GatewayOutcome, 'outcome'>): OutcomeClass {
  switch (outcome.outcome) {
    case 'APPROVED':
      return 'APPROVED';
    case 'DECLINED':
      return 'PERMANENT';
    case 'ERROR':
      return 'TRANSIENT';
  }
}
