import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import { DEFAULT_FRAUD_CONFIG, DEFAULT_FRAUD_RULES } from './default-rules.js';
import type { FraudConfig, FraudContext, FraudRule, FraudSignal } from './fraud-rule.js';

export const FRAUD_VERDICTS = ['ALLOW', 'FLAG', 'REJECT'] as const;
export type FraudVerdict = (typeof FRAUD_VERDICTS)[number];

/** The assessment stored on a payment. */
export interface FraudAssessment {
  readonly score: number;
  readonly verdict: FraudVerdict;
  readonly signals: readonly FraudSignal[];
}

/** ≥ reject → REJECT, ≥ flag → FLAG (allowed, but flagged), else ALLOW. */
export function fraudVerdict(
  score: number,
  thresholds: FraudConfig['thresholds'] = DEFAULT_FRAUD_CONFIG.thresholds,
): FraudVerdict {
  if (score >= thresholds.reject) return 'REJECT';
  if (score >= thresholds.flag) return 'FLAG';
  return 'ALLOW';
}

/** Runs every rule and sums the scores of the signals that fired. */
export function assessFraud(
  ctx: FraudContext,
  config: FraudConfig = DEFAULT_FRAUD_CONFIG,
  rules: readonly FraudRule[] = DEFAULT_FRAUD_RULES,
): FraudAssessment {
  const signals = rules.flatMap((rule) => rule(ctx, config) ?? []);
  const score = signals.reduce((sum, signal) => sum + signal.score, 0);
  return { score, verdict: fraudVerdict(score, config.thresholds), signals };
}

/** The `FRAUD.REJECTED` error for an assessment, for callers that report rejection as an error. */
export function fraudRejectedError(assessment: FraudAssessment): DomainErrorOf<'FRAUD.REJECTED'> {
  return domainError('FRAUD.REJECTED', { score: assessment.score, signals: assessment.signals });
}
