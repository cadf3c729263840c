import { describe, expect, it } from 'vitest';
import { TEST_CARDS, type GatewayOutcome } from '../gateway/card-simulator.js';
import { createRetryPolicy, DEFAULT_RETRY_POLICY } from '../retry/retry-policy.js';
import { aPayment, T0 } from '../testing/builders.js';
import { drivePayment } from '../testing/payment-driver.js';
import {
  applyAttemptDecision,
  beginAttempt,
  decideAfterAttempt,
  gatewayIdempotencyKey,
} from './run-attempt.js';

const processing = aPayment({ status: 'PROCESSING' });
const decide = (outcome: GatewayOutcome, previous: number, random = () => 0.5) =>
  decideAfterAttempt({
    payment: processing,
    attempts: Array.from({ length: previous }),
    outcome,
    now: T0,
    random,
  });

describe('beginAttempt', () => {
  it('moves INITIATED to PROCESSING as attempt 1', () => {
    const result = beginAttempt(aPayment(), []);
    expect(result).toEqual({
      ok: true,
      value: { payment: aPayment({ status: 'PROCESSING' }), attemptNo: 1, redrive: false },
    });
  });

  it('moves a due RETRY to PROCESSING as the next attempt and clears the due time', () => {
    const result = beginAttempt(aPayment({ status: 'RETRY', nextAttemptAt: T0 }), [{}, {}]);
    expect(result.ok && result.value).toMatchObject({
      payment: { status: 'PROCESSING', nextAttemptAt: null },
      attemptNo: 3,
      redrive: false,
    });
  });

  it('re-drives the same attempt of a PROCESSING payment whose driver went away', () => {
    const result = beginAttempt(processing, [{}]);
    expect(result).toEqual({
      ok: true,
      value: { payment: processing, attemptNo: 2, redrive: true },
    });
  });

  it.each(['SUCCESS', 'FAILED_FINAL'] as const)('refuses to start an attempt on %s', (status) => {
    expect(beginAttempt(aPayment({ status }), [])).toEqual({
      ok: false,
      error: {
        code: 'PAYMENT.INVALID_TRANSITION',
        paymentId: 'pay-1',
        from: status,
        to: 'PROCESSING',
      },
    });
  });

  it('keys gateway calls by payment and attempt', () => {
    expect(gatewayIdempotencyKey(processing.id, 2)).toBe('pay-1:2');
  });
});

describe('decideAfterAttempt', () => {
  it('succeeds on approval', () => {
    expect(decide({ outcome: 'APPROVED' }, 0)).toEqual({
      ok: true,
      value: {
        status: 'SUCCESS',
        failureCode: null,
        attempt: { number: 1, outcome: 'APPROVED', code: null },
        nextAttemptAt: null,
      },
    });
  });

  it.each([
    ['card_declined', 'CARD_DECLINED'],
    ['insufficient_funds', 'INSUFFICIENT_FUNDS'],
  ] as const)('never retries a %s decline: FAILED_FINAL %s', (code, failureCode) => {
    expect(decide({ outcome: 'DECLINED', code }, 0)).toEqual({
      ok: true,
      value: {
        status: 'FAILED_FINAL',
        failureCode,
        attempt: { number: 1, outcome: 'DECLINED', code },
        nextAttemptAt: null,
      },
    });
  });

  it('retries a transient error with a jittered backoff while attempts remain', () => {
    const first = decide({ outcome: 'ERROR', code: 'gateway_timeout' }, 0, () => 0);
    expect(first).toEqual({
      ok: true,
      value: {
        status: 'RETRY',
        failureCode: null,
        attempt: { number: 1, outcome: 'ERROR', code: 'gateway_timeout' },
        nextAttemptAt: T0 + 100,
      },
    });
    const second = decide({ outcome: 'ERROR', code: 'processing_error' }, 1, () => 1);
    expect(second.ok && second.value.nextAttemptAt).toBe(T0 + 400);
  });

  it('gives up with RETRIES_EXHAUSTED after the last attempt', () => {
    const last = decide({ outcome: 'ERROR', code: 'processing_error' }, 2);
    expect(last.ok && last.value).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'RETRIES_EXHAUSTED',
      attempt: { number: 3 },
      nextAttemptAt: null,
    });
  });

  it('follows the configured number of attempts', () => {
    const once = createRetryPolicy({ maxAttempts: 1 });
    const result = decideAfterAttempt({
      payment: processing,
      attempts: [],
      outcome: { outcome: 'ERROR', code: 'processing_error' },
      now: T0,
      policy: once,
      random: () => 0.5,
    });
    expect(result.ok && result.value.failureCode).toBe('RETRIES_EXHAUSTED');
  });

  it.each(['INITIATED', 'RETRY', 'SUCCESS', 'FAILED_FINAL'] as const)(
    'refuses to decide for a payment that is %s',
    (status) => {
      const result = decideAfterAttempt({
        payment: aPayment({ status }),
        attempts: [],
        outcome: { outcome: 'APPROVED' },
        now: T0,
        random: () => 0.5,
      });
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'PAYMENT.INVALID_TRANSITION',
          paymentId: 'pay-1',
          from: status,
          to: 'SUCCESS',
        },
      });
    },
  );

  it('applies a decision to the payment', () => {
    const decided = decide({ outcome: 'ERROR', code: 'gateway_timeout' }, 0, () => 0);
    if (!decided.ok) throw new Error('expected a decision');
    expect(applyAttemptDecision(processing, decided.value)).toEqual({
      ...processing,
      status: 'RETRY',
      failureCode: null,
      nextAttemptAt: T0 + 100,
    });
  });
});

describe('the card table through the whole engine', () => {
  const run = (cardNumber: string) => drivePayment(aPayment(), { cardNumber, now: T0 });

  it('4242… succeeds on the first attempt and is captured', () => {
    const result = run(TEST_CARDS.visaApproved);
    expect(result.payment.status).toBe('SUCCESS');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['APPROVED']);
    expect(result.entries.map((e) => e.reference)).toEqual(['capture:pay-1']);
  });

  it.each([
    [TEST_CARDS.declined, 'CARD_DECLINED'],
    [TEST_CARDS.insufficientFunds, 'INSUFFICIENT_FUNDS'],
  ])('%s fails at once with %s, no retry', (card, failureCode) => {
    const result = run(card);
    expect(result.payment).toMatchObject({ status: 'FAILED_FINAL', failureCode });
    expect(result.attempts).toHaveLength(1);
    expect(result.entries).toHaveLength(0);
  });

  it('4000…0119 exhausts its 3 attempts, waiting with backoff between them', () => {
    const result = run(TEST_CARDS.processingError);
    expect(result.payment).toMatchObject({
      status: 'FAILED_FINAL',
      failureCode: 'RETRIES_EXHAUSTED',
    });
    expect(result.attempts.map((a) => a.at - T0)).toEqual([0, 150, 450]);
    expect(result.attempts).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('4000…0341 succeeds on attempt 3 after two timeouts', () => {
    const result = run(TEST_CARDS.timeoutThenApproved);
    expect(result.payment.status).toBe('SUCCESS');
    expect(result.attempts.map((a) => a.code)).toEqual([
      'gateway_timeout',
      'gateway_timeout',
      null,
    ]);
    expect(result.entries).toHaveLength(1);
  });
});
