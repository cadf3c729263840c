import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import { aFraudContext } from '../testing/builders.js';
import {
  amountLimit,
  blocklistedCard,
  cardShared,
  DEFAULT_FRAUD_CONFIG,
  newAccountHighValue,
  userVelocity,
} from './default-rules.js';
import type { FraudContext, FraudRule } from './fraud-rule.js';

const MIN = 60_000;
const run = (rule: FraudRule, overrides: Partial<FraudContext>) =>
  rule(aFraudContext(overrides), DEFAULT_FRAUD_CONFIG);
const fired = (rule: FraudRule, overrides: Partial<FraudContext>) =>
  run(rule, overrides)?.score ?? 0;

describe('BLOCKLISTED_CARD', () => {
  it('scores 100 for the blocklisted card, even typed with spaces', () => {
    expect(run(blocklistedCard, { cardNumber: TEST_CARDS.blocklisted })).toEqual({
      rule: 'BLOCKLISTED_CARD',
      score: 100,
      reason: 'card is on the blocklist',
    });
    expect(fired(blocklistedCard, { cardNumber: '4100 0000 0000 0019' })).toBe(100);
  });

  it('stays silent for any other card', () => {
    expect(run(blocklistedCard, { cardNumber: TEST_CARDS.visaApproved })).toBeNull();
  });
});

describe('AMOUNT_LIMIT (> 1,000,000 cents → 100)', () => {
  it.each([
    ['below', 999_999, 0],
    ['at', 1_000_000, 0],
    ['above', 1_000_001, 100],
  ])('%s the limit: %d cents scores %d', (_where, amountCents, score) => {
    expect(fired(amountLimit, { amountCents })).toBe(score);
  });
});

describe('USER_VELOCITY (> 5 payments in 60 s → 100)', () => {
  it.each([
    ['below', 4, 0],
    ['at', 5, 0],
    ['above', 6, 100],
  ])('%s the limit: %d payments scores %d', (_where, recentPaymentsByUser, score) => {
    expect(fired(userVelocity, { recentPaymentsByUser })).toBe(score);
  });

  it('counts within a 60 s window by default', () => {
    expect(DEFAULT_FRAUD_CONFIG.userVelocity.windowMs).toBe(MIN);
  });
});

describe('CARD_SHARED (> 3 users in 24 h → 100)', () => {
  it.each([
    ['below', 2, 0],
    ['at', 3, 0],
    ['above', 4, 100],
  ])('%s the limit: %d users scores %d', (_where, distinctUsersForCard, score) => {
    expect(fired(cardShared, { distinctUsersForCard })).toBe(score);
  });

  it('counts within a 24 h window by default', () => {
    expect(DEFAULT_FRAUD_CONFIG.cardShared.windowMs).toBe(24 * 60 * MIN);
  });
});

describe('NEW_ACCOUNT_HIGH_VALUE (< 10 min and > 200,000 cents → 60)', () => {
  const young = 10 * MIN - 1;
  const big = 200_001;

  it.each([
    ['account age below', { accountAgeMs: young, amountCents: big }, 60],
    ['account age at', { accountAgeMs: 10 * MIN, amountCents: big }, 0],
    ['account age above', { accountAgeMs: 10 * MIN + 1, amountCents: big }, 0],
    ['amount below', { accountAgeMs: young, amountCents: 199_999 }, 0],
    ['amount at', { accountAgeMs: young, amountCents: 200_000 }, 0],
    ['amount above', { accountAgeMs: young, amountCents: big }, 60],
  ])('%s the threshold scores %d', (_where, overrides, score) => {
    expect(fired(newAccountHighValue, overrides)).toBe(score);
  });
});

describe('configurable thresholds', () => {
  it('every rule reads its threshold and score from the config', () => {
    const config = {
      ...DEFAULT_FRAUD_CONFIG,
      blocklist: { score: 7, cardNumbers: [TEST_CARDS.visaApproved] },
      amountLimit: { score: 11, maxAmountCents: 100 },
      userVelocity: { score: 13, maxPayments: 1, windowMs: 1000 },
      cardShared: { score: 17, maxUsers: 1, windowMs: 1000 },
      newAccountHighValue: { score: 19, maxAccountAgeMs: 10 * MIN * 10, minAmountCents: 100 },
    };
    const ctx = aFraudContext({
      amountCents: 101,
      recentPaymentsByUser: 2,
      distinctUsersForCard: 2,
      accountAgeMs: 10 * MIN,
    });
    const rules = [blocklistedCard, amountLimit, userVelocity, cardShared, newAccountHighValue];
    expect(rules.map((rule) => rule(ctx, config)?.score)).toEqual([7, 11, 13, 17, 19]);
  });

  it('signals never carry the card number', () => {
    const ctx = aFraudContext({
      cardNumber: TEST_CARDS.blocklisted,
      amountCents: 5_000_000,
      recentPaymentsByUser: 9,
      distinctUsersForCard: 9,
      accountAgeMs: 0,
    });
    const rules = [blocklistedCard, amountLimit, userVelocity, cardShared, newAccountHighValue];
    const reasons = rules.map((rule) => rule(ctx, DEFAULT_FRAUD_CONFIG)?.reason ?? '');
    expect(reasons.every((r) => r.length > 0 && !r.includes(TEST_CARDS.blocklisted))).toBe(true);
  });
});
