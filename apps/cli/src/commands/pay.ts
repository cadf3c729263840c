import { Command } from '@commander-js/extra-typings';
import { cardFrom, checkCard } from '../card-prompts.js';
import type { ContextFactory } from '../context.js';
import { hasDomainCode } from '../error-facts.js';
import { ExitCode, ExitError } from '../errors.js';
import { announceIdempotencyKey } from '../idempotency-key.js';
import { parseExpiry, parseIdempotencyKey, parseOrderId } from '../option-parsers.js';
import { createProgressLog, isFinal } from '../payment-progress.js';
import {
  ENGINE_CALL_TIMEOUT_MS,
  POLL_MS,
  SETTLE_TIMEOUT_MS,
  watchPayment,
} from '../payment-watch.js';
import { createProgress } from '../spinner.js';
import { payingLine } from '../views/order-view.js';
import { failureMessage, paymentFields } from '../views/payment-view.js';

/** `ordersctl pay`: pays an order by card and shows each attempt as it happens. Exit 4 unless paid. */
export function payCommand(context: ContextFactory) {
  return new Command('pay')
    .description('pay an order by card, showing each attempt and retry as it happens')
    .argument('<orderId>', 'the order to pay', parseOrderId)
    .option('--card <number>', 'card number (asked for on a terminal)')
    .option('--exp <MM/YY>', 'card expiry (asked for on a terminal)', parseExpiry)
    .option('--cvc <cvc>', 'card security code (asked for, masked, on a terminal)')
    .option(
      '--idempotency-key <key>',
      'reuse the key of an earlier try: it is never charged twice',
      parseIdempotencyKey,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl pay 0b6f…                                       # asks for the card
  $ ordersctl pay 0b6f… --card 4242424242424242 --exp 12/30 --cvc 123
  $ ordersctl pay 0b6f… --card 4242424242424242 --exp 12/30 --cvc 123 --idempotency-key K

The idempotency key is printed before the first request: if the run is interrupted, pay again
with the same --idempotency-key and the same card to get the same payment, never a second charge.
Exits 4 when the payment does not succeed (declined, rejected by fraud checks, retries exhausted).`,
    )
    .action(async (orderId, flags) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const needsPrompt =
        flags.card === undefined || flags.exp === undefined || flags.cvc === undefined;
      if (ctx.interactive && needsPrompt) {
        const order = await client.orders.get.query({ id: orderId });
        ctx.io.stdout.write(`${payingLine(order, ctx.out.style)}\n`);
      }
      const given = { card: flags.card, exp: flags.exp, cvc: flags.cvc };
      // Checked before the key is announced: "retry safely" is for failures a retry can mend,
      // and no retry mends a malformed id (commander's parser) or an invalid card.
      const card = checkCard(await cardFrom(given, ctx.asker), Date.now());
      const key = announceIdempotencyKey(ctx, flags.idempotencyKey);

      const payClient = await ctx.authedClient({ timeoutMs: ENGINE_CALL_TIMEOUT_MS });
      const progress = createProgress(ctx.io.stderr, { animate: !ctx.json });
      const log = createProgressLog(ctx.out.style);
      progress.status('paying…');
      const payment = await watchPayment({
        pay: () =>
          payClient.payments.pay.mutate({
            orderId,
            idempotencyKey: key,
            paymentMethod: { type: 'card', ...card },
          }),
        get: () => client.payments.get.query({ orderId }).catch(absentWhenNotFound),
        onSnapshot: (snapshot) => {
          if (ctx.json) return;
          for (const line of log.linesFor(snapshot)) progress.log(line);
          if (isFinal(snapshot)) progress.stop();
          else if (snapshot.status === 'RETRY')
            progress.status(`waiting for attempt ${snapshot.attempts.length + 1}…`);
          else progress.status(`attempt ${snapshot.attempts.length + 1}…`);
        },
        pollMs: POLL_MS,
        settleTimeoutMs: SETTLE_TIMEOUT_MS,
      }).finally(() => {
        progress.stop();
      });

      ctx.out.result(payment, (p, style) => paymentFields(p, style));
      if (payment.status !== 'SUCCESS')
        throw new ExitError(ExitCode.paymentFailed, failureMessage(payment));
    });
}

/** Until the payment row exists, `payments.get` answers PAYMENT.NOT_FOUND: not a failure. */
function absentWhenNotFound(error: unknown): undefined {
  if (hasDomainCode(error, 'PAYMENT.NOT_FOUND')) return undefined;
  throw error;
}
