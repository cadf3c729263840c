import type { PaymentStatus } from '../payments/payment.js';
import type { RefundStatus } from '../refunds/refund.js';
import type { PaymentId, RefundId } from '../shared/ids.js';
import type { Money } from '../shared/money.js';
import type { PaymentChain } from './hash-chain.js';
import type { JournalEntryRecord } from './journal.js';

// The input and output of `verifyLedger`, shared by the checks in verify*.ts.

/** Every kind of broken invariant `verifyLedger` reports. */
export const LEDGER_PROBLEM_CODES = [
  'ENTRY_UNBALANCED',
  'GLOBAL_SUM_NONZERO',
  'REFERENCE_MISMATCH',
  'DUPLICATE_REFERENCE',
  'UNKNOWN_PAYMENT',
  'CAPTURE_MISSING',
  'CAPTURE_DUPLICATE',
  'CAPTURE_AMOUNT_MISMATCH',
  'CAPTURE_WITHOUT_SUCCESS',
  'REFUND_WITHOUT_CAPTURE',
  'REFUND_EXCEEDS_CAPTURE',
  'REFUND_ENTRY_MISSING',
  'REFUND_ENTRY_DUPLICATE',
  'REFUND_ENTRY_WITHOUT_SUCCESS',
  'REFUND_AMOUNT_MISMATCH',
  'RESTOCK_EXCEEDS_PURCHASE',
  'CHAIN_LINK_BROKEN',
  'CHAIN_HASH_MISMATCH',
  'CHAIN_HEAD_MISMATCH',
  'DUPLICATE_CHAIN',
  'ENTRY_NOT_IN_CHAIN',
  'CHAIN_ENTRY_NOT_IN_JOURNAL',
] as const;
export type LedgerProblemCode = (typeof LEDGER_PROBLEM_CODES)[number];

export interface LedgerProblem {
  readonly code: LedgerProblemCode;
  readonly detail: string;
}

/** What verification needs of a payment (a core `Payment` fits). */
export interface LedgerPayment {
  readonly id: PaymentId;
  readonly status: PaymentStatus;
  readonly amount: Money;
  readonly chainHead: string;
}

/** What verification needs of a refund. */
export interface LedgerRefund {
  readonly id: RefundId;
  readonly paymentId: PaymentId;
  readonly status: RefundStatus;
  readonly amount: Money;
  readonly restock: readonly { readonly sku: string; readonly quantity: number }[];
}

/** A line an order bought, under the payment that paid for it. */
export interface LedgerPurchase {
  readonly paymentId: PaymentId;
  readonly sku: string;
  readonly quantity: number;
}

export interface LedgerSnapshot {
  readonly payments: readonly LedgerPayment[];
  readonly refunds: readonly LedgerRefund[];
  /** What each paid order bought: no refund may restock more. */
  readonly purchases: readonly LedgerPurchase[];
  readonly entries: readonly JournalEntryRecord[];
  /** Each payment's chain in append order; a payment with no records may be left out. */
  readonly chains: readonly PaymentChain[];
}

/** The shape of `ledger.verify` (DESIGN §3). */
export interface LedgerReport {
  readonly ok: boolean;
  readonly checked: {
    readonly entries: number;
    readonly payments: number;
    readonly chains: number;
  };
  readonly problems: readonly LedgerProblem[];
}
