import type { Payment } from './api-client.js';
import { ExitCode, ExitError } from './errors.js';
import { isFinal } from './payment-progress.js';

/** How often the state is read while the engine works. */
export const POLL_MS = 200;
/** After the starting call answers with something still in flight, how long to wait for its end. */
export const SETTLE_TIMEOUT_MS = 60_000;
/** `payments.pay` and `refunds.create` themselves wait up to PAY_WAIT (at most 120 s) on the server. */
export const ENGINE_CALL_TIMEOUT_MS = 150_000;

/** What the engine drives (a payment, a refund): attempts until a final state. */
export interface Driven {
  readonly id: string;
  readonly orderId: string;
  readonly status: string;
}

export interface Watch<T extends Driven> {
  /** The call that starts it; resolves with what it returns (final, or current after PAY_WAIT). */
  readonly start: () => Promise<T>;
  /** Reads it again; `undefined` while it does not exist yet. */
  readonly get: () => Promise<T | undefined>;
  readonly isFinal: (snapshot: T) => boolean;
  /** `payment`, `refund`: for the message when it never ends. */
  readonly noun: string;
  /** Every snapshot seen, in the order seen. */
  readonly onSnapshot: (snapshot: T) => void;
  readonly pollMs: number;
  /** How long to keep polling after `start` returned something still in flight. */
  readonly settleTimeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Starts and watches: the starting call (`payments.pay`, `refunds.create`) blocks until the
 * outcome is final (or PAY_WAIT passes), so `get` is polled beside it to see each attempt as it
 * lands. If the call returns something still in flight, polling goes on until it is final.
 * Resolves with the final snapshot.
 */
export async function watchUntilFinal<T extends Driven>(watch: Watch<T>): Promise<T> {
  const sleep = watch.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = watch.now ?? Date.now;
  // An object, not a `let`: the flag flips in a callback, which narrowing cannot see.
  const call = { answered: false };
  const started = watch.start().finally(() => {
    call.answered = true;
  });
  // Swallowed here only so an early failure is not "unhandled"; it is rethrown below.
  started.catch(() => undefined);

  for (;;) {
    await Promise.race([sleep(watch.pollMs), started.catch(() => undefined)]);
    if (call.answered) break;
    // A failed poll is not the outcome failing: the answer of the starting call decides.
    const seen = await watch.get().catch(() => undefined);
    if (seen) watch.onSnapshot(seen);
  }

  let latest = await started;
  watch.onSnapshot(latest);
  const deadline = now() + watch.settleTimeoutMs;
  while (!watch.isFinal(latest)) {
    if (now() >= deadline) {
      throw new ExitError(
        ExitCode.unexpected,
        `${watch.noun} ${latest.id} is still ${latest.status} after ${Math.round(watch.settleTimeoutMs / 1000)} s — ` +
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

export interface PaymentWatch extends Omit<Watch<Payment>, 'start' | 'isFinal' | 'noun'> {
  /** Starts `payments.pay`. */
  readonly pay: () => Promise<Payment>;
}

/** `payments.pay` watched through `payments.get`, until the payment is final. */
export function watchPayment({ pay, ...watch }: PaymentWatch): Promise<Payment> {
  return watchUntilFinal({ ...watch, start: pay, isFinal, noun: 'payment' });
}
