import { REFUND_REASONS, type RefundReason } from '@orders/core';
import type { ExitError } from './errors.js';
import { formatMoney } from './money.js';
import { missing, streams, type Asker } from './prompts.js';

/** Stripe's refund reasons, in words a person picks from. */
const REASON_LABELS = {
  requested_by_customer: 'the customer asked for it',
  duplicate: 'a duplicate charge',
  fraudulent: 'a fraudulent charge',
  other: 'anything else (say why with --note)',
} as const satisfies Record<RefundReason, string>;

/** The usage error for a reason neither given by `--reason` nor askable. */
export function missingReason(): ExitError {
  return missing('refund reason', `--reason <${REFUND_REASONS.join('|')}>`);
}

/** The reason from `--reason`, else picked from a list on a terminal; a usage error without one. */
export async function reasonFrom(
  given: RefundReason | undefined,
  asker: Asker,
): Promise<RefundReason> {
  if (given !== undefined) return given;
  if (!asker.interactive) throw missingReason();
  const { select } = await import('@inquirer/prompts');
  return select<RefundReason>(
    {
      message: 'Reason',
      choices: REFUND_REASONS.map((reason) => ({
        value: reason,
        name: `${reason.padEnd(21)}  ${REASON_LABELS[reason]}`,
        short: reason,
      })),
    },
    streams(asker),
  );
}

/**
 * The amount from `--amount`, else asked for on a terminal with all that is left as the default.
 * Without a terminal, or with nothing left to offer, it stays unset: the server then refunds all
 * that is left, or says why it cannot.
 */
export async function amountFrom(
  given: number | undefined,
  left: { readonly cents: number; readonly currency: string },
  asker: Asker,
): Promise<number | undefined> {
  if (given !== undefined || !asker.interactive || left.cents <= 0) return given;
  const { number } = await import('@inquirer/prompts');
  const all = formatMoney(left.cents, left.currency);
  const cents = await number(
    {
      message: `Amount in cents, up to ${left.cents} (${all}, all that is left)`,
      default: left.cents,
      min: 1,
      max: left.cents,
      step: 1,
      required: true,
    },
    streams(asker),
  );
  return cents;
}
