import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import { aFraudContext } from '../testing/builders.js';
import { assessFraud, fraudRejectedError, fraudVerdict } from './assess-fraud.js';
import { DEFAULT_FRAUD_CONFIG } from './default-rules.js';
import type { FraudRule } from './fraud-rule.js';

describe('fraudVerdict (≥ 100 reject, 50–99 flag)', () => {
  it.each([
    [0, 'ALLOW'],
    [49, 'ALLOW'],
    [50, 'FLAG'],
    [99, 'FLAG'],
    [100, 'REJECT'],
    [260, 'REJECT'],
  ])('score %d is %s', (score, verdict) => {
    expect(fraudVerdict(score)).toBe(verdict);
  });

  it('uses the configured thresholds', () => {
    expect(fraudVerdict(30, { flag: 20, reject: 40 })).toBe('FLAG');
    expect(fraudVerdict(40, { flag: 20, reject: 40 })).toBe('REJECT');
  });
});

describe('assessFraud', () => {
  it('allows an ordinary payment with no signals', () => {
    expect(assessFraud(aFraudContext())).toEqual({ score: 0, verdict: 'ALLOW', signals: [] });
  });

  it('flags a new account paying a large amount (60)', () => {
    const result = assessFraud(aFraudContext({ accountAgeMs: 1000, amountCents: 300_000 }));
    expect(result.verdict).toBe('FLAG');
    expect(result.score).toBe(60);
    expect(result.signals.map((s) => s.rule)).toEqual(['NEW_ACCOUNT_HIGH_VALUE']);
  });

  it('rejects the blocklisted card', () => {
    const result = assessFraud(aFraudContext({ cardNumber: TEST_CARDS.blocklisted }));
    expect(result).toMatchObject({ score: 100, verdict: 'REJECT' });
  });

  it('sums every signal that fired, in rule order', () => {
    const result = assessFraud(
      aFraudContext({ amountCents: 2_000_000, accountAgeMs: 0, recentPaymentsByUser: 6 }),
    );
    expect(result.score).toBe(260);
    expect(result.signals.map((s) => s.rule)).toEqual([
      'AMOUNT_LIMIT',
      'USER_VELOCITY',
      'NEW_ACCOUNT_HIGH_VALUE',
    ]);
  });

  it('runs caller-supplied rules with the caller config', () => {
    const always: FraudRule = () => ({ rule: 'CUSTOM', score: 55, reason: 'custom rule' });
    const result = assessFraud(aFraudContext(), DEFAULT_FRAUD_CONFIG, [always]);
    expect(result).toEqual({
      score: 55,
      verdict: 'FLAG',
      signals: [{ rule: 'CUSTOM', score: 55, reason: 'custom rule' }],
    });
  });

  it('turns an assessment into FRAUD.REJECTED with its score and signals', () => {
    const assessment = assessFraud(aFraudContext({ cardNumber: TEST_CARDS.blocklisted }));
    expect(fraudRejectedError(assessment)).toEqual({
      code: 'FRAUD.REJECTED',
      score: 100,
      signals: assessment.signals,
    });
  });
});
