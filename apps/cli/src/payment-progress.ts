import type { ChalkInstance } from 'chalk';
import type { Payment } from './api-client.js';
import { formatMoney } from './money.js';
import { paintStatus } from './views/labels.js';

type Attempt = Payment['attempts'][number];

/** Final payment states: nothing will change after one. */
export function isFinal(payment: Pick<Payment, 'status'>): boolean {
  return payment.status === 'SUCCESS' || payment.status === 'FAILED_FINAL';
}

/**
 * Turns a stream of payment snapshots (from polling and from `payments.pay`) into the lines a
 * person reads as it happens: the fraud verdict, each attempt once, the wait before each retry,
 * the final state. Snapshots may arrive late or twice; nothing is ever printed twice and an older
 * snapshot never takes anything back.
 */
export function createProgressLog(style: ChalkInstance) {
  let introduced = false;
  let lastAttempt = 0;
  const waitsShown = new Set<number>();
  let finished = false;

  return {
    /** The new lines `payment` adds to what was shown. */
    linesFor(payment: Payment): string[] {
      const lines: string[] = [];
      if (!introduced) {
        introduced = true;
        lines.push(...introduction(payment, style));
      }
      for (const attempt of payment.attempts) {
        if (attempt.number <= lastAttempt) continue;
        const previous = payment.attempts.find((a) => a.number === attempt.number - 1);
        // Polling can miss the RETRY state between two attempts; the wait still shows.
        if (previous && !waitsShown.has(previous.number)) {
          waitsShown.add(previous.number);
          lines.push(style.dim(`  retried after ${seconds(elapsedMs(previous.at, attempt.at))}`));
        }
        lines.push(attemptLine(attempt, style));
        lastAttempt = attempt.number;
      }
      const latest = payment.attempts.at(-1);
      if (
        payment.status === 'RETRY' &&
        payment.nextAttemptAt !== null &&
        latest?.number === lastAttempt &&
        !waitsShown.has(lastAttempt)
      ) {
        waitsShown.add(lastAttempt);
        const wait = seconds(elapsedMs(latest.at, payment.nextAttemptAt));
        lines.push(style.dim(`  next attempt in ${wait}`));
      }
      if (isFinal(payment) && !finished) {
        finished = true;
        lines.push(outcomeLine(payment, style));
      }
      return lines;
    },
  };
}

function introduction(payment: Payment, style: ChalkInstance): string[] {
  const { fraud } = payment;
  const amount = formatMoney(payment.amountCents, payment.currency);
  return [
    `payment ${payment.id}: ${style.bold(amount)} on ${payment.card.brand} •••• ${payment.card.last4}`,
    `fraud check: ${paintStatus(fraud.verdict, style)} (score ${fraud.score})`,
    ...fraud.signals.map((s) => style.dim(`  ${s.rule} +${s.score}: ${s.reason}`)),
  ];
}

function attemptLine(attempt: Attempt, style: ChalkInstance): string {
  const code = attempt.code === null ? '' : ` ${attempt.code}`;
  return `attempt ${attempt.number}: ${paintStatus(attempt.outcome, style)}${code} (${attempt.latencyMs} ms)`;
}

function outcomeLine(payment: Payment, style: ChalkInstance): string {
  const failure = payment.failureCode === null ? '' : ` ${payment.failureCode}`;
  return `${paintStatus(payment.status, style)}${failure} — order ${paintStatus(payment.order.status, style)}`;
}

function elapsedMs(fromIso: string, toIso: string): number {
  return Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
}

/** `0.3 s`, `2.0 s`: tenths are enough for a person watching. */
function seconds(ms: number): string {
  return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
}
