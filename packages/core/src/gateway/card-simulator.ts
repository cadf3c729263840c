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
} as const;

const APPROVED: GatewayOutcome = { outcome: 'APPROVED' };
const declined = (code: DeclineCode): GatewayOutcome => ({ outcome: 'DECLINED', code });
const transient = (code: TransientCode): GatewayOutcome => ({ outcome: 'ERROR', code });

/** The card table as data: card number → outcome for a given attempt number. */
const CARD_SCRIPTS: ReadonlyMap<string, (attemptNo: number) => GatewayOutcome> = new Map([
  [TEST_CARDS.declined, () => declined('card_declined')],
  [TEST_CARDS.insufficientFunds, () => declined('insufficient_funds')],
  [TEST_CARDS.processingError, () => transient('processing_error')],
  [
    TEST_CARDS.timeoutThenApproved,
    (attemptNo: number) => (attemptNo <= 2 ? transient('gateway_timeout') : APPROVED),
  ],
]);

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

/** True when the seeded draw for (seed, card, attempt) falls under the noise rate. */
function isNoisyAttempt(cardNumber: string, attemptNo: number, noise: SimulatorNoise): boolean {
  if (!(noise.rate >= 0 && noise.rate <= 1)) {
    throw new RangeError(`noise rate must be within [0, 1], got ${noise.rate}`);
  }
  if (noise.rate === 0) return false;
  const draw = mulberry32(hashString32(`${noise.seed}:${cardNumber}:${attemptNo}`))();
  return draw < noise.rate;
}

/**
 * One gateway attempt: the card table's outcome (any other number is APPROVED), unless the
 * seeded noise turns it into a transient `processing_error`.
 */
export function simulateGatewayAttempt(input: GatewayAttemptInput): GatewayOutcome {
  if (!Number.isSafeInteger(input.attemptNo) || input.attemptNo < 1) {
    throw new RangeError(`attemptNo must be a positive integer, got ${input.attemptNo}`);
  }
  const cardNumber = normalizeCardNumber(input.cardNumber);
  if (input.noise && isNoisyAttempt(cardNumber, input.attemptNo, input.noise)) {
    return transient('processing_error');
  }
  return CARD_SCRIPTS.get(cardNumber)?.(input.attemptNo) ?? APPROVED;
}
