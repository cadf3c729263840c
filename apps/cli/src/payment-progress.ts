import type { ChalkInstance } from 'chalk';
import type { Payment } from './api-client.js';
import { formatMoney } from './money.js';
import { paintStatus } from './views/labels.js';

/** One gateway attempt, as payments and refunds both report them. */
export interface AttemptSeen {
  readonly number: number;
  readonly outcome: string;
  readonly code: string | null;
  readonly latencyMs: number;
  readonly at: string;
}

/** What the progress log reads of a snapshot of anything the engine drives. */
export interface AttemptsSnapshot {
  readonly status: string;
  readonly attempts: readonly AttemptSeen[];
  /** When the next attempt is due, if the snapshot says (payments do; refunds do not). */
  readonly nextAttemptAt?: string | null;
}

/** How one kind of snapshot opens and ends its story. */
export interface ProgressStory<T extends AttemptsSnapshot> {
  readonly isFinal: (snapshot: T) => boolean;
  /** The first lines, once: what is being driven. */
  readonly introduction: (snapshot: T, style: ChalkInstance) => readonly string[];
  /** The last line, once it is final. */
  readonly outcome: (snapshot: T, style: ChalkInstance) => string;
}

/** Final payment states: nothing will change after one. */
export function isFinal(payment: Pick<Payment, 'status'>): boolean {
  return payment.status === 'SUCCESS' || payment.status === 'FAILED_FINAL';
}

/**
 * Turns a stream of snapshots (from polling and from the starting call) into the lines a person
 * reads as it happens: the introduction, each attempt once, the wait before each retry, the final
 * state. Snapshots may arrive late or twice; nothing is ever printed twice and an older snapshot
 * never takes anything back.
 */
export function createAttemptLog<T extends AttemptsSnapshot>(
  story: ProgressStory<T>,
  style: ChalkInstance,
) {
  let introduced = false;
  let lastAttempt = 0;
  const waitsShown = new Set<number>();
  let finished = false;

  return {
    /** The new lines `snapshot` adds to what was shown. */
    linesFor(snapshot: T): string[] {
      const lines: string[] = [];
      if (!introduced) {
        introduced = true;
        lines.push(...story.introduction(snapshot, style));
      }
      for (const attempt of snapshot.attempts) {
        if (attempt.number <= lastAttempt) continue;
        const previous = snapshot.attempts.find((a) => a.number === attempt.number - 1);
        // Polling can miss the RETRY state between two attempts; the wait still shows.
        if (previous && !waitsShown.has(previous.number)) {
          waitsShown.add(previous.number);
          lines.push(style.dim(`  retried after ${seconds(elapsedMs(previous.at, attempt.at))}`));
        }
        lines.push(attemptLine(attempt, style));
        lastAttempt = attempt.number;
      }
      const latest = snapshot.attempts.at(-1);
      const nextAttemptAt = snapshot.nextAttemptAt ?? null;
      if (
        snapshot.status === 'RETRY' &&
        nextAttemptAt !== null &&
        latest?.number === lastAttempt &&
        !waitsShown.has(lastAttempt)
      ) {
        waitsShown.add(lastAttempt);
        lines.push(style.dim(`  next attempt in ${seconds(elapsedMs(latest.at, nextAttemptAt))}`));
      }
      if (story.isFinal(snapshot) && !finished) {
        finished = true;
        lines.push(story.outcome(snapshot, style));
      }
      return lines;
    },
  };
}

const paymentStory: ProgressStory<Payment> = {
  isFinal,
  introduction(payment, style) {
    const { fraud } = payment;
    const amount = formatMoney(payment.amountCents, payment.currency);
    return [
      `payment ${payment.id}: ${style.bold(amount)} on ${payment.card.brand} •••• ${payment.card.last4}`,
      `fraud check: ${paintStatus(fraud.verdict, style)} (score ${fraud.score})`,
      ...fraud.signals.map((s) => style.dim(`  ${s.rule} +${s.score}: ${s.reason}`)),
    ];
  },
  outcome(payment, style) {
    const failure = payment.failureCode === null ? '' : ` ${payment.failureCode}`;
    return `${paintStatus(payment.status, style)}${failure} — order ${paintStatus(payment.order.status, style)}`;
  },
};

/** A payment's progress: the fraud verdict, each attempt and retry, the final state. */
export function createProgressLog(style: ChalkInstance) {
  return createAttemptLog(paymentStory, style);
}

function attemptLine(attempt: AttemptSeen, style: ChalkInstance): string {
  const code = attempt.code === null ? '' : ` ${attempt.code}`;
  return `attempt ${attempt.number}: ${paintStatus(attempt.outcome, style)}${code} (${attempt.latencyMs} ms)`;
}

function elapsedMs(fromIso: string, toIso: string): number {
  return Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
}

/** `0.3 s`, `2.0 s`: tenths are enough for a person watching. */
function seconds(ms: number): string {
  return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
}
