/**
 * The shape of a fraud rule (DESIGN §2 Fraud rules): a small pure function over facts the server
 * loaded, returning a scored signal or nothing.
 */

/** One rule's finding; stored on the payment and shown in the ledger view. */
export interface FraudSignal {
  readonly rule: string;
  readonly score: number;
  /** Human-readable; must never contain a card number. */
  readonly reason: string;
}

/** What the rules look at, gathered by the server for one payment attempt. */
export interface FraudContext {
  readonly amountCents: number;
  /**
   * The full card number, normalised or not. It is in memory only for the request and is never
   * copied into a signal.
   */
  readonly cardNumber: string;
  /**
   * Payments this user started within `userVelocity.windowMs`, the one being assessed included;
   * idempotent replays are not counted. A lower bound: counting may stop past `maxPayments`.
   */
  readonly recentPaymentsByUser: number;
  /**
   * Distinct users who used this card fingerprint within `cardShared.windowMs`, this user
   * included. A lower bound: counting may stop past `maxUsers`.
   */
  readonly distinctUsersForCard: number;
  /** Time since the user signed up, in ms. */
  readonly accountAgeMs: number;
}

/** Every threshold and score, configurable; see `DEFAULT_FRAUD_CONFIG` for the §2 defaults. */
export interface FraudConfig {
  readonly blocklist: { readonly score: number; readonly cardNumbers: readonly string[] };
  /** Triggers when amountCents > maxAmountCents. */
  readonly amountLimit: { readonly score: number; readonly maxAmountCents: number };
  /** Triggers when recentPaymentsByUser > maxPayments. */
  readonly userVelocity: {
    readonly score: number;
    readonly maxPayments: number;
    readonly windowMs: number;
  };
  /** Triggers when distinctUsersForCard > maxUsers. */
  readonly cardShared: {
    readonly score: number;
    readonly maxUsers: number;
    readonly windowMs: number;
  };
  /** Triggers when accountAgeMs < maxAccountAgeMs and amountCents > minAmountCents. */
  readonly newAccountHighValue: {
    readonly score: number;
    readonly maxAccountAgeMs: number;
    readonly minAmountCents: number;
  };
  /** score ≥ reject → REJECT; score ≥ flag → FLAG; else ALLOW. */
  readonly thresholds: { readonly flag: number; readonly reject: number };
}

/** A fraud rule: a signal when it fires, `null` when it does not. */
export type FraudRule = (ctx: FraudContext, config: FraudConfig) => FraudSignal | null;
