import {
  createRetryPolicy,
  DEFAULT_FRAUD_CONFIG,
  type FraudConfig,
  type RetryPolicy,
  type SimulatorNoise,
} from '@orders/core';
import type { Config } from '../config.js';

/** How the payment engine behaves; built from the config by the composition root. */
export interface PaymentSettings {
  readonly retryPolicy: RetryPolicy;
  readonly fraud: FraudConfig;
  /** Transient failures added to any card (demos, load); rate 0 = off. */
  readonly noise: SimulatorNoise;
  /** How long `payments.pay` waits for a final state before returning the current one. */
  readonly payWaitMs: number;
  /** How long a driver's claim on a payment lasts without renewal. */
  readonly leaseMs: number;
  /** How often the worker looks for due payments and expired orders. */
  readonly workerPollMs: number;
}

/** DESIGN §2's defaults, with what the configuration changes. */
export function paymentSettingsFrom(config: Config['payments']): PaymentSettings {
  return {
    retryPolicy: createRetryPolicy({ baseMs: config.retryBaseMs }),
    fraud: {
      ...DEFAULT_FRAUD_CONFIG,
      userVelocity: {
        ...DEFAULT_FRAUD_CONFIG.userVelocity,
        maxPayments: config.fraudUserVelocityMax,
      },
      cardShared: { ...DEFAULT_FRAUD_CONFIG.cardShared, maxUsers: config.fraudCardSharedMax },
    },
    noise: { rate: config.simFailureRate, seed: config.simSeed },
    payWaitMs: config.payWaitMs,
    leaseMs: config.leaseMs,
    workerPollMs: config.workerPollMs,
  };
}
