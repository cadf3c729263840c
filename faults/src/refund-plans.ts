import type { RefundKind } from './history.js';
import type { PaidOrder } from './load.js';

/** One `refunds.create` request of a plan. */
export interface PlannedRefund {
  readonly kind: RefundKind;
  /** Null: all that is still refundable (the server's default). */
  readonly amountCents: number | null;
  /** Units of the order's line put back on the shelf if it succeeds (0: none). */
  readonly restock: number;
}

/**
 * How the admin refunds one paid order: stages run one after another, each once the refunds of
 * the stage before are final; the refunds of a stage are sent at once.
 */
export type RefundPlan = readonly (readonly PlannedRefund[])[];

/** How many refunds of one order race each other. */
export const RACERS = 3;

/**
 * A plan for `order`, drawn with `random` (in [0, 1)):
 * - full (30 %): one refund of everything, restocking none, part or all of the line;
 * - partial (25 %): one refund of 10–60 % of the capture, restocking part of the line if it has
 *   more than one unit;
 * - partial, then the rest (25 %): the same, then — once it is final — a refund of what is left
 *   (the order ends REFUNDED through two refunds, or, if the first FAILED, through one);
 * - race (20 %): {@link RACERS} refunds sent at once, either 40 % of the capture each (only two
 *   fit under the cap) or 30 % each with one unit of restock each (all fit the cap, but no more
 *   of them than the line has units fit the restock limit).
 */
export function planRefunds(order: PaidOrder, random: () => number): RefundPlan {
  const draw = random();
  if (draw < 0.3) {
    return [[{ kind: 'full', amountCents: null, restock: upTo(order.quantity, random) }]];
  }
  const partial: PlannedRefund = {
    kind: 'partial',
    amountCents: share(order.amountCents, 0.1 + 0.5 * random()),
    restock: order.quantity > 1 ? 1 + upTo(order.quantity - 2, random) : 0,
  };
  if (draw < 0.55) return [[partial]];
  if (draw < 0.8) {
    const rest = upTo(order.quantity - partial.restock, random);
    return [[partial], [{ kind: 'rest', amountCents: null, restock: rest }]];
  }
  const byRestock = random() < 0.5;
  const racer: PlannedRefund = {
    kind: 'racer',
    amountCents: share(order.amountCents, byRestock ? 0.3 : 0.4),
    restock: byRestock ? 1 : 0,
  };
  return [Array.from({ length: RACERS }, () => racer)];
}

/** `fraction` of `cents`, rounded up, at least 1 cent and less than all of it. */
function share(cents: number, fraction: number): number {
  return Math.min(Math.max(1, Math.ceil(cents * fraction)), Math.max(1, cents - 1));
}

/** A whole number in [0, max]. */
function upTo(max: number, random: () => number): number {
  return Math.floor(random() * (max + 1));
}
