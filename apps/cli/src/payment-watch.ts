import type { Payment } from './api-client.js';
import { ExitCode, ExitError } from './errors.js';
import { isFinal } from './payment-progress.js';

export interface PaymentWatch {
  /** Starts `payments.pay`; resolves with what it returns (final, or current after PAY_WAIT). */
  readonly pay: () => Promise<Payment>;
  /** `payments.get`; `undefined` while the payment does not exist yet. */
  readonly get: () => Promise<Payment | undefined>;
  /** Every snapshot seen, in the order seen. */
  readonly onSnapshot: (payment: Payment) => void;
  readonly pollMs: number;
  /** How long to keep polling after `pay` returned a payment still in flight. */
  readonly settleTimeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Pays and watches: `payments.pay` blocks until the payment is final (or PAY_WAIT passes), so
 * `payments.get` is polled beside it to see each attempt as it lands. If `pay` returns a payment
 * still in flight, polling goes on until it is final. Resolves with the final payment.
 */
export async function watchPayment(watch: PaymentWatch): Promise<Payment> {
  const sleep = watch.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = watch.now ?? Date.now;
  // An object, not a `let`: the flag flips in a callback, which narrowing cannot see.
  const call = { answered: false };
  const paid = watch.pay().finally(() => {
    call.answered = true;
  });
  // Swallowed here only so an early failure is not "unhandled"; it is rethrown below.
  paid.catch(() => undefined);

  for (;;) {
    await Promise.race([sleep(watch.pollMs), paid.catch(() => undefined)]);
    if (call.answered) break;
    // A failed poll is not the payment failing: the answer of `pay` decides.
    const seen = await watch.get().catch(() => undefined);
    if (seen) watch.onSnapshot(seen);
  }

  let latest = await paid;
  watch.onSnapshot(latest);
  const deadline = now() + watch.settleTimeoutMs;
  while (!isFinal(latest)) {
    if (now() >= deadline) {
      throw new ExitError(
        ExitCode.unexpected,
        `payment ${latest.id} is still ${latest.status} after ${Math.round(watch.settleTimeoutMs / 1000)} s — ` +
          `see how it ends with \`ordersctl ledger ${latest.orderId}\``,
      );
    }
    await sleep(watch.pollMs);
    const seen = await watch.get();
    if (seen) {
      latest = seen;
      watch.onSnapshot(seen);
    }
  }
  return latest;
}
