// Builds realistic ledgers by driving payments through the engine, for the ledger tests.
import fc from 'fast-check';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import type { PaymentChain } from '../ledger/hash-chain.js';
import type { JournalEntryRecord } from '../ledger/journal.js';
import type { LedgerSnapshot } from '../ledger/ledger-report.js';
import type { Payment } from '../payments/payment.js';
import { asPaymentId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { aPayment, T0 } from './builders.js';
import { drivePayment } from './payment-driver.js';

export interface PaymentPlan {
  readonly cardNumber: string;
  readonly amountCents: number;
  readonly jitter: number;
  /** Leave the payment INITIATED (no chain yet) instead of driving it. */
  readonly untouched: boolean;
}

/** Drives one payment per plan and gathers payments, journal entries and chains. */
export function buildLedger(plans: readonly PaymentPlan[]): LedgerSnapshot {
  const payments: Payment[] = [];
  const entries: JournalEntryRecord[] = [];
  const chains: PaymentChain[] = [];
  plans.forEach((plan, i) => {
    const initial = aPayment({ id: asPaymentId(`pay-${i}`), amount: money(plan.amountCents) });
    if (plan.untouched) {
      payments.push(initial);
      return;
    }
    const driven = drivePayment(initial, {
      cardNumber: plan.cardNumber,
      now: T0 + i * 1000,
      random: () => plan.jitter,
    });
    payments.push(driven.payment);
    entries.push(...driven.entries);
    chains.push({ paymentId: driven.payment.id, links: driven.links });
  });
  return { payments, refunds: [], purchases: [], entries, chains };
}

export const paymentPlanArb: fc.Arbitrary<PaymentPlan> = fc.record({
  cardNumber: fc.constantFrom(
    TEST_CARDS.visaApproved,
    TEST_CARDS.mastercardApproved,
    TEST_CARDS.declined,
    TEST_CARDS.insufficientFunds,
    TEST_CARDS.processingError,
    TEST_CARDS.timeoutThenApproved,
  ),
  amountCents: fc.integer({ min: 1, max: 5_000_000 }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  untouched: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

/** A ledger with at least one journal entry, so there is something to tamper with. */
export const ledgerArb: fc.Arbitrary<LedgerSnapshot> = fc
  .array(paymentPlanArb, { minLength: 1, maxLength: 5 })
  .map(([first, ...rest]) =>
    buildLedger([{ ...first!, cardNumber: TEST_CARDS.visaApproved, untouched: false }, ...rest]),
  );

type Path = readonly (string | number)[];

/** Every path to a leaf value (string, number, boolean, null) under `value`. */
export function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      leafPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
    );
  }
  return [prefix];
}

/** A deep copy of `root` with the leaf at `path` changed to a different value of a like kind. */
export function alterLeaf<T>(root: T, path: Path): T {
  const copy = structuredClone(root);
  let parent: Record<string | number, unknown> = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const old = parent[last];
  parent[last] =
    typeof old === 'number'
      ? old + 1
      : typeof old === 'string'
        ? `${old}x`
        : old === null
          ? 'x'
          : !old;
  return copy;
}
