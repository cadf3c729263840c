import { hashString32, mulberry32 } from '../shared/seeded-random.js';
import { normalizeCardNumber } from './card-validation.js';

/**
 * The deterministic gateway simulator (DESIGN §2 table). Its answer depends only on the card
 * number, the attempt number and, when noise is on, the seed: re-driving an attempt after a crash
 * gets the same answer, as a real gateway's idempotency key would.
 */
export type DeclineCode = 'card_declined' | 'insufficient_funds';
export type TransientCode = 'processing_error' | 'gateway_timeout';
export type GatewayCode = DeclineCode | TransientCode;

export type GatewayOutcome =
  | { readonly outcome: 'APPROVED' }
  | { readonly outcome: 'DECLINED'; readonly code: DeclineCode }
  | { readonly outcome: 'ERROR'; readonly code: TransientCode };

/** The outcome kinds stored on an attempt. */
export type AttemptOutcome = GatewayOutcome['outcome'];

/** The magic numbers of the DESIGN §2 card table. */
export const TEST_CARDS = {
  visaApproved: '4242424242424242',
  mastercardApproved: '5555555555554444',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
  timeoutThenApproved: '4000000000000341',
  blocklisted: '4100000000000019',
  /** Approved; a refund of a payment made with it fails (`refund_failed`, not retried). */
  refundFails: '4000000000005126',
} as const;

const APPROVED: GatewayOutcome = { outcome: 'APPROVED' };
const declined = (code: DeclineCode): GatewayOutcome => ({ outcome: 'DECLINED', code });
const transient = (code: TransientCode): GatewayOutcome => ({ outcome: 'ERROR', code });

/**
 * How the simulated gateway treats a card. A real gateway keeps the card in its vault and hands
 * back a token; the simulator's token is the card's profile, so a payment can be re-driven after
 * a crash without anyone keeping the card number.
 */
export const CARD_PROFILES = [
  'APPROVE',
  'DECLINE_CARD',
  'DECLINE_FUNDS',
  'ALWAYS_ERROR',
  'TIMEOUT_TWICE',
  'REFUND_FAILS',
] as const;
export type CardProfile = (typeof CARD_PROFILES)[number];

/** The card table as data: card number → profile (any other number is APPROVE). */
const CARD_TABLE: ReadonlyMap<string, CardProfile> = new Map([
  [TEST_CARDS.declined, 'DECLINE_CARD'],
  [TEST_CARDS.insufficientFunds, 'DECLINE_FUNDS'],
  [TEST_CARDS.processingError, 'ALWAYS_ERROR'],
  [TEST_CARDS.timeoutThenApproved, 'TIMEOUT_TWICE'],
  [TEST_CARDS.refundFails, 'REFUND_FAILS'],
]);

/** Each profile's outcome for a given attempt number. */
const PROFILE_SCRIPTS: Readonly<Record<CardProfile, (attemptNo: number) => GatewayOutcome>> = {
  APPROVE: () => APPROVED,
  DECLINE_CARD: () => declined('card_declined'),
  DECLINE_FUNDS: () => declined('insufficient_funds'),
  ALWAYS_ERROR: () => transient('processing_error'),
  TIMEOUT_TWICE: (attemptNo) => (attemptNo <= 2 ? transient('gateway_timeout') : APPROVED),
  REFUND_FAILS: () => APPROVED,
};

/** The simulated gateway's profile for a card number (its "tokenization"). */
export function cardProfileOf(cardNumber: string): CardProfile {
  return CARD_TABLE.get(normalizeCardNumber(cardNumber)) ?? 'APPROVE';
}

/** Optional transient failures for demos and load; `rate` in [0, 1]. */
export interface SimulatorNoise {
  readonly rate: number;
  readonly seed: number;
}

export interface GatewayAttemptInput {
  readonly cardNumber: string;
  /** 1-based. */
  readonly attemptNo: number;
  readonly noise?: SimulatorNoise;
}

/** An attempt on a tokenized card: its profile, and a stable per-card key for the noise draw. */
export interface TokenizedAttemptInput {
  readonly profile: CardProfile;
  /** Any stable per-card string (the server passes the card's keyed fingerprint). */
  readonly noiseKey: string;
  /** 1-based. */
  readonly attemptNo: number;
  readonly noise?: SimulatorNoise;
}

/** True when the seeded draw for (seed, card, attempt) falls under the noise rate. */
function isNoisyAttempt(cardKey: string, attemptNo: number, noise: SimulatorNoise): boolean {
  if (!(noise.rate >= 0 && noise.rate <= 1)) {
    throw new RangeError(`noise rate must be within [0, 1], got ${noise.rate}`);
  }
  if (noise.rate === 0) return false;
  const draw = mulberry32(hashString32(`${noise.seed}:${cardKey}:${attemptNo}`))();
  return draw < noise.rate;
}

/**
 * One gateway attempt: the card table's outcome (any other number is APPROVED), unless the
 * seeded noise turns it into a transient `processing_error`.
 */
export function simulateGatewayAttempt(input: GatewayAttemptInput): GatewayOutcome {
  const cardNumber = normalizeCardNumber(input.cardNumber);
  return simulateTokenizedAttempt({
    profile: cardProfileOf(cardNumber),
    noiseKey: cardNumber,
    attemptNo: input.attemptNo,
    ...(input.noise ? { noise: input.noise } : {}),
  });
}

/** The same gateway, for a card known only by its token (profile) — how re-drives call it. */
export function simulateTokenizedAttempt(input: TokenizedAttemptInput): GatewayOutcome {
  if (!Number.isSafeInteger(input.attemptNo) || input.attemptNo < 1) {
    throw new RangeError(`attemptNo must be a positive integer, got ${input.attemptNo}`);
  }
  if (input.noise && isNoisyAttempt(input.noiseKey, input.attemptNo, input.noise)) {
    return transient('processing_error');
  }
  return PROFILE_SCRIPTS[input.profile](input.attemptNo);
}

/**
 * The simulated gateway's reference for an attempt it answered (approved or declined); an attempt
 * that failed in transit (`ERROR`) has none. Derived from the attempt's idempotency key, so a
 * re-driven attempt gets the same reference, as a real gateway's idempotent retry would.
 */
export function gatewayReference(
  paymentId: string,
  attemptNo: number,
  outcome: GatewayOutcome,
): string | null {
  return outcome.outcome === 'ERROR' ? null : `sim_${paymentId}_${attemptNo}`;
}

/** What the gateway answers a refund attempt: the money went back, it refused, or it failed in transit. */
export type RefundGatewayOutcome =
  | { readonly outcome: 'APPROVED' }
  | { readonly outcome: 'DECLINED'; readonly code: 'refund_failed' }
  | { readonly outcome: 'ERROR'; readonly code: TransientCode };

export interface RefundAttemptInput {
  /** The token of the card the payment was made with. */
  readonly profile: CardProfile;
  /** Any stable per-refund string (the server passes the refund's id). */
  readonly noiseKey: string;
  /** 1-based. */
  readonly attemptNo: number;
  readonly noise?: SimulatorNoise;
}

/**
 * One refund attempt (DESIGN §2 Refunds): a payment made with `4000000000005126` cannot be refunded
 * (`refund_failed`, not retried); the noise adds transient `processing_error`s; every other refund
 * goes through.
 */
export function simulateRefundAttempt(input: RefundAttemptInput): RefundGatewayOutcome {
  if (!Number.isSafeInteger(input.attemptNo) || input.attemptNo < 1) {
    throw new RangeError(`attemptNo must be a positive integer, got ${input.attemptNo}`);
  }
  if (input.noise && isNoisyAttempt(`refund:${input.noiseKey}`, input.attemptNo, input.noise)) {
    return { outcome: 'ERROR', code: 'processing_error' };
  }
  return input.profile === 'REFUND_FAILS'
    ? { outcome: 'DECLINED', code: 'refund_failed' }
    : { outcome: 'APPROVED' };
}
