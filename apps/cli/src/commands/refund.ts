import { Command } from '@commander-js/extra-typings';
import type { RefundReason } from '@orders/core';
import type { ApiClient, Payment, Refund } from '../api-client.js';
import type { CliContext, ContextFactory } from '../context.js';
import { hasDomainCode } from '../error-facts.js';
import { ExitCode, ExitError } from '../errors.js';
import { announceIdempotencyKey } from '../idempotency-key.js';
import {
  collectRestock,
  parseAmountCents,
  parseIdempotencyKey,
  parseNote,
  parseOrderId,
  parseRefundReason,
  type OrderItem,
} from '../option-parsers.js';
import {
  ENGINE_CALL_TIMEOUT_MS,
  POLL_MS,
  SETTLE_TIMEOUT_MS,
  watchUntilFinal,
} from '../payment-watch.js';
import { createRefundProgressLog, isRefundFinal } from '../refund-progress.js';
import { amountFrom, missingReason, reasonFrom } from '../refund-prompts.js';
import { createProgress } from '../spinner.js';
import {
  leftToRefund,
  refundFailureMessage,
  refundFields,
  refundingLine,
} from '../views/refund-view.js';

/** `ordersctl refund` (admin): gives back (part of) a paid order, attempts shown live. Exit 4 unless it succeeds. */
export function refundCommand(context: ContextFactory) {
  return new Command('refund')
    .description('refund (part of) a paid order, showing each attempt as it happens (admin)')
    .argument('<orderId>', 'the paid order to refund', parseOrderId)
    .option(
      '--amount <cents>',
      'how much to give back (default: all that is left)',
      parseAmountCents,
    )
    .option(
      '--reason <reason>',
      'requested_by_customer, duplicate, fraudulent or other (picked from a list on a terminal)',
      parseRefundReason,
    )
    .option('--note <text>', 'a note kept with the refund (at most 500 characters)', parseNote)
    .option(
      '--restock <SKU=QTY>',
      'units to put back on the shelf when it succeeds; repeat for more SKUs',
      collectRestock,
    )
    .option(
      '--idempotency-key <key>',
      'reuse the key of an earlier try: it is never refunded twice',
      parseIdempotencyKey,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl refund 0b6f… --reason requested_by_customer            # all that is left
  $ ordersctl refund 0b6f… --amount 1250 --reason requested_by_customer --restock MUG-01=1 \\
      --note "one mug came broken"
  $ ordersctl refund 0b6f… --reason duplicate --idempotency-key K    # retry an interrupted run
  $ ordersctl refund 0b6f…                                           # asks for reason and amount

Never more than is left: the captured amount less every refund not FAILED. The idempotency key
is printed before the first request: if the run is interrupted, refund again with the same
--idempotency-key and the same flags to get the same refund, never a second one. Exits 4 when the
refund ends FAILED (nothing given back; the amount can be refunded again), 2 when the server
refuses it as asked (nothing left, more than is left, a restock beyond what was bought).`,
    )
    .action(async (orderId, flags) => {
      const ctx = await context();
      // Without a terminal nothing can supply a missing reason: exit 2 before anything is sent.
      if (!ctx.interactive && flags.reason === undefined) throw missingReason();
      const client = await ctx.authedClient();
      // The refunds there already: the new one is the one not among them. Reading them first
      // also proves the order exists (exit 6) before a key is announced.
      const before = await client.refunds.list.query({ orderId });
      const { reason, amountCents } = await refundRequest(ctx, client, orderId, flags);
      const key = announceIdempotencyKey(ctx, flags.idempotencyKey);

      const refundClient = await ctx.authedClient({ timeoutMs: ENGINE_CALL_TIMEOUT_MS });
      const progress = createProgress(ctx.io.stderr, { animate: !ctx.json });
      const log = createRefundProgressLog(ctx.out.style);
      const known = new Set(before.map((r) => r.id));
      const ours: { id?: string } = {};
      progress.status('refunding…');
      const refund = await watchUntilFinal<Refund>({
        start: async () => {
          const created = await refundClient.refunds.create.mutate({
            orderId,
            reason,
            idempotencyKey: key,
            ...(amountCents === undefined ? {} : { amountCents }),
            ...(flags.note === undefined || flags.note === '' ? {} : { note: flags.note }),
            ...(flags.restock === undefined ? {} : { restock: flags.restock }),
          });
          ours.id = created.id;
          return created;
        },
        get: async () => {
          const refunds = await client.refunds.list.query({ orderId });
          if (ours.id !== undefined) return refunds.find((r) => r.id === ours.id);
          // Until the call answers, ours is the newest refund that was not there before.
          return refunds.filter((r) => !known.has(r.id) && r.reason === reason).at(-1);
        },
        isFinal: isRefundFinal,
        noun: 'refund',
        onSnapshot: (snapshot) => {
          if (ctx.json) return;
          for (const line of log.linesFor(snapshot)) progress.log(line);
          if (isRefundFinal(snapshot)) progress.stop();
          else progress.status(`attempt ${snapshot.attempts.length + 1}…`);
        },
        pollMs: POLL_MS,
        settleTimeoutMs: SETTLE_TIMEOUT_MS,
      }).finally(() => {
        progress.stop();
      });

      // Where the order now stands, for people; `--json` is exactly the refund.
      const payment = ctx.json
        ? undefined
        : await paymentOf(client, orderId).catch(() => undefined);
      ctx.out.result(refund, (r, style) => refundFields(r, payment, style));
      if (refund.status !== 'SUCCEEDED')
        throw new ExitError(ExitCode.paymentFailed, refundFailureMessage(refund, payment));
    });
}

interface RefundFlags {
  readonly amount?: number | undefined;
  readonly reason?: RefundReason | undefined;
  readonly restock?: OrderItem[] | undefined;
}

/**
 * Reason and amount from the flags; on a terminal, what they left out is asked for, after a line
 * saying what was paid and what is left (the amount's default).
 */
async function refundRequest(
  ctx: CliContext,
  client: ApiClient,
  orderId: string,
  flags: RefundFlags,
): Promise<{ reason: RefundReason; amountCents: number | undefined }> {
  if (!ctx.interactive || (flags.reason !== undefined && flags.amount !== undefined)) {
    return { reason: await reasonFrom(flags.reason, ctx.asker), amountCents: flags.amount };
  }
  const payment = await paymentOf(client, orderId);
  if (payment === undefined) {
    throw new ExitError(
      ExitCode.usage,
      `order ${orderId} has no payment to refund — an unpaid order is cancelled, not refunded`,
    );
  }
  ctx.io.stdout.write(`${refundingLine(payment, ctx.out.style)}\n`);
  const reason = await reasonFrom(flags.reason, ctx.asker);
  const left = leftToRefund(payment.amountCents, payment.currency, payment.refunds);
  const amountCents = await amountFrom(
    flags.amount,
    { cents: left, currency: payment.currency },
    ctx.asker,
  );
  return { reason, amountCents };
}

/** The order's payment; `undefined` when it has none (PAYMENT.NOT_FOUND). */
async function paymentOf(client: ApiClient, orderId: string): Promise<Payment | undefined> {
  try {
    return await client.payments.get.query({ orderId });
  } catch (error) {
    if (hasDomainCode(error, 'PAYMENT.NOT_FOUND')) return undefined;
    throw error;
  }
}
