import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CARD_PROFILES,
  cardProfileOf,
  simulateGatewayAttempt,
  simulateRefundAttempt,
  simulateTokenizedAttempt,
  TEST_CARDS,
  type GatewayOutcome,
} from './card-simulator.js';

const APPROVED: GatewayOutcome = { outcome: 'APPROVED' };
const attempt = (cardNumber: string, attemptNo: number) =>
  simulateGatewayAttempt({ cardNumber, attemptNo });

describe('simulateGatewayAttempt: the DESIGN §2 card table', () => {
  it.each([1, 2, 3, 4])('approves 4242…, 5555… and the blocklisted card on attempt %d', (n) => {
    expect(attempt(TEST_CARDS.visaApproved, n)).toEqual(APPROVED);
    expect(attempt(TEST_CARDS.mastercardApproved, n)).toEqual(APPROVED);
    // The blocklist is fraud's business: the gateway itself would approve it.
    expect(attempt(TEST_CARDS.blocklisted, n)).toEqual(APPROVED);
  });

  it.each([1, 2, 3])('declines 4000…0002 with card_declined on attempt %d', (n) => {
    expect(attempt(TEST_CARDS.declined, n)).toEqual({ outcome: 'DECLINED', code: 'card_declined' });
  });

  it.each([1, 2, 3])('declines 4000…9995 with insufficient_funds on attempt %d', (n) => {
    expect(attempt(TEST_CARDS.insufficientFunds, n)).toEqual({
      outcome: 'DECLINED',
      code: 'insufficient_funds',
    });
  });

  it.each([1, 2, 3, 4])('fails 4000…0119 with processing_error on attempt %d', (n) => {
    expect(attempt(TEST_CARDS.processingError, n)).toEqual({
      outcome: 'ERROR',
      code: 'processing_error',
    });
  });

  it('times out 4000…0341 on attempts 1 and 2 and approves it on attempt 3', () => {
    const timeout = { outcome: 'ERROR', code: 'gateway_timeout' };
    expect(attempt(TEST_CARDS.timeoutThenApproved, 1)).toEqual(timeout);
    expect(attempt(TEST_CARDS.timeoutThenApproved, 2)).toEqual(timeout);
    expect(attempt(TEST_CARDS.timeoutThenApproved, 3)).toEqual(APPROVED);
  });

  it('approves any other number, and reads numbers typed with spaces', () => {
    expect(attempt('4111111111111111', 1)).toEqual(APPROVED);
    expect(attempt('4000 0000 0000 0002', 1)).toEqual({
      outcome: 'DECLINED',
      code: 'card_declined',
    });
  });

  it('refuses an attempt number that is not a positive integer', () => {
    expect(() => attempt(TEST_CARDS.visaApproved, 0)).toThrow(RangeError);
    expect(() => attempt(TEST_CARDS.visaApproved, 1.5)).toThrow(RangeError);
  });
});

describe('simulateGatewayAttempt: seeded noise', () => {
  const noisy = (cardNumber: string, attemptNo: number, rate: number, seed: number) =>
    simulateGatewayAttempt({ cardNumber, attemptNo, noise: { rate, seed } });

  it('is deterministic in (seed, card, attempt)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{16}$/),
        fc.integer({ min: 1, max: 10 }),
        fc.integer(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (card, n, seed, rate) => {
          expect(noisy(card, n, rate, seed)).toEqual(noisy(card, n, rate, seed));
        },
      ),
    );
  });

  it('never adds failures at rate 0 and always fails at rate 1', () => {
    for (let n = 1; n <= 20; n++) {
      expect(noisy(TEST_CARDS.visaApproved, n, 0, 7)).toEqual(APPROVED);
      expect(noisy(TEST_CARDS.visaApproved, n, 1, 7)).toEqual({
        outcome: 'ERROR',
        code: 'processing_error',
      });
    }
  });

  it('fails about `rate` of the attempts, differently per seed', () => {
    const cards = Array.from({ length: 2000 }, (_, i) => `4${String(i).padStart(15, '0')}`);
    const failures = (seed: number) =>
      cards.filter((c) => noisy(c, 1, 0.25, seed).outcome === 'ERROR');
    const seed1 = failures(1);
    expect(seed1.length).toBeGreaterThan(400);
    expect(seed1.length).toBeLessThan(600);
    expect(failures(2)).not.toEqual(seed1);
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(() => noisy(TEST_CARDS.visaApproved, 1, 1.5, 1)).toThrow(RangeError);
    expect(() => noisy(TEST_CARDS.visaApproved, 1, Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('the tokenized gateway', () => {
  it.each([
    [TEST_CARDS.visaApproved, 'APPROVE'],
    [TEST_CARDS.declined, 'DECLINE_CARD'],
    [TEST_CARDS.insufficientFunds, 'DECLINE_FUNDS'],
    [TEST_CARDS.processingError, 'ALWAYS_ERROR'],
    [TEST_CARDS.timeoutThenApproved, 'TIMEOUT_TWICE'],
    ['4000 0000 0000 0341', 'TIMEOUT_TWICE'],
  ] as const)('gives card %s the profile %s', (number, profile) => {
    expect(cardProfileOf(number)).toBe(profile);
  });

  it('answers a token exactly as it answers the card it stands for, attempt by attempt', () => {
    for (const number of Object.values(TEST_CARDS)) {
      for (let attemptNo = 1; attemptNo <= 4; attemptNo++) {
        const noise = { rate: 0.3, seed: 7 };
        expect(
          simulateTokenizedAttempt({
            profile: cardProfileOf(number),
            noiseKey: number,
            attemptNo,
            noise,
          }),
        ).toEqual(simulateGatewayAttempt({ cardNumber: number, attemptNo, noise }));
      }
    }
  });

  it('refuses an attempt number below 1 for a token too', () => {
    expect(() =>
      simulateTokenizedAttempt({ profile: 'APPROVE', noiseKey: 'k', attemptNo: 0 }),
    ).toThrow(RangeError);
  });
});

describe('simulateRefundAttempt', () => {
  it('refuses a refund of a payment made with 4000000000005126, and only that one', () => {
    expect(cardProfileOf(TEST_CARDS.refundFails)).toBe('REFUND_FAILS');
    expect(simulateGatewayAttempt({ cardNumber: TEST_CARDS.refundFails, attemptNo: 1 })).toEqual({
      outcome: 'APPROVED',
    });
    expect(
      simulateRefundAttempt({ profile: 'REFUND_FAILS', noiseKey: 're-1', attemptNo: 1 }),
    ).toEqual({
      outcome: 'DECLINED',
      code: 'refund_failed',
    });
    for (const profile of CARD_PROFILES.filter((p) => p !== 'REFUND_FAILS')) {
      expect(simulateRefundAttempt({ profile, noiseKey: 're-1', attemptNo: 1 })).toEqual({
        outcome: 'APPROVED',
      });
    }
  });

  it('adds seeded transient noise, the same for the same refund and attempt', () => {
    const noise = { rate: 0.5, seed: 7 };
    const draws = Array.from({ length: 40 }, (_, i) =>
      simulateRefundAttempt({ profile: 'APPROVE', noiseKey: `re-${i}`, attemptNo: 1, noise }),
    );
    expect(draws.some((d) => d.outcome === 'ERROR')).toBe(true);
    expect(draws.some((d) => d.outcome === 'APPROVED')).toBe(true);
    expect(
      simulateRefundAttempt({ profile: 'APPROVE', noiseKey: 're-3', attemptNo: 1, noise }),
    ).toEqual(draws[3]);
  });
});
