import { normalizeCardNumber } from '../gateway/card-validation.js';
import type { FraudConfig, FraudRule } from './fraud-rule.js';

/** The names of the built-in rules, as they appear in signals. */
export const FRAUD_RULE_NAMES = [
  'BLOCKLISTED_CARD',
  'AMOUNT_LIMIT',
  'USER_VELOCITY',
  'CARD_SHARED',
  'NEW_ACCOUNT_HIGH_VALUE',
] as const;
export type FraudRuleName = (typeof FRAUD_RULE_NAMES)[number];

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The defaults of DESIGN §2 Fraud rules. */
export const DEFAULT_FRAUD_CONFIG: FraudConfig = {
  blocklist: { score: 100, cardNumbers: ['4100000000000019'] },
  amountLimit: { score: 100, maxAmountCents: 1_000_000 },
  userVelocity: { score: 100, maxPayments: 5, windowMs: MINUTE_MS },
  cardShared: { score: 100, maxUsers: 3, windowMs: DAY_MS },
  newAccountHighValue: { score: 60, maxAccountAgeMs: 10 * MINUTE_MS, minAmountCents: 200_000 },
  thresholds: { flag: 50, reject: 100 },
};

/** BLOCKLISTED_CARD: the card number is on the configured blocklist. */
export const blocklistedCard: FraudRule = (ctx, { blocklist }) => {
  const number = normalizeCardNumber(ctx.cardNumber);
  const listed = blocklist.cardNumbers.some((n) => normalizeCardNumber(n) === number);
  return listed
    ? { rule: 'BLOCKLISTED_CARD', score: blocklist.score, reason: 'card is on the blocklist' }
    : null;
};

/** AMOUNT_LIMIT: a single payment above the limit. */
export const amountLimit: FraudRule = (ctx, { amountLimit: cfg }) =>
  ctx.amountCents > cfg.maxAmountCents
    ? {
        rule: 'AMOUNT_LIMIT',
        score: cfg.score,
        reason: `amount ${ctx.amountCents} cents exceeds the limit of ${cfg.maxAmountCents}`,
      }
    : null;

/** USER_VELOCITY: more payments started by one user in the window than allowed. */
export const userVelocity: FraudRule = (ctx, { userVelocity: cfg }) =>
  ctx.recentPaymentsByUser > cfg.maxPayments
    ? {
        rule: 'USER_VELOCITY',
        score: cfg.score,
        reason: `at least ${ctx.recentPaymentsByUser} payments in ${cfg.windowMs} ms (max ${cfg.maxPayments})`,
      }
    : null;

/** CARD_SHARED: one card fingerprint used by more users in the window than allowed. */
export const cardShared: FraudRule = (ctx, { cardShared: cfg }) =>
  ctx.distinctUsersForCard > cfg.maxUsers
    ? {
        rule: 'CARD_SHARED',
        score: cfg.score,
        reason: `card used by at least ${ctx.distinctUsersForCard} users in ${cfg.windowMs} ms (max ${cfg.maxUsers})`,
      }
    : null;

/** NEW_ACCOUNT_HIGH_VALUE: a young account paying a large amount. */
export const newAccountHighValue: FraudRule = (ctx, { newAccountHighValue: cfg }) =>
  ctx.accountAgeMs < cfg.maxAccountAgeMs && ctx.amountCents > cfg.minAmountCents
    ? {
        rule: 'NEW_ACCOUNT_HIGH_VALUE',
        score: cfg.score,
        reason: `account ${ctx.accountAgeMs} ms old paying ${ctx.amountCents} cents`,
      }
    : null;

/** The built-in rules, in the order their signals are reported. */
export const DEFAULT_FRAUD_RULES: readonly FraudRule[] = [
  blocklistedCard,
  amountLimit,
  userVelocity,
  cardShared,
  newAccountHighValue,
];
