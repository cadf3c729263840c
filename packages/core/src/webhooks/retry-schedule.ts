// When a webhook delivery is tried again (DESIGN §2 "Webhooks"): exponential backoff with jitter
// over about 3 days. Pure: the caller passes the clock and the random source.

/** Nominal waits after attempt 1, 2, … (ms). Their sum is about 3 days; then the delivery fails. */
export const DEFAULT_WEBHOOK_SCHEDULE: readonly number[] = [
  5_000, // 5 s
  5 * 60_000, // 5 min
  30 * 60_000, // 30 min
  2 * 3_600_000, // 2 h
  5 * 3_600_000, // 5 h
  10 * 3_600_000, // 10 h
  10 * 3_600_000, // 10 h
  14 * 3_600_000, // 14 h
  14 * 3_600_000, // 14 h
  16 * 3_600_000, // 16 h
];

/** Jitter: each wait is drawn from [(1 − JITTER)·d, d]. */
export const WEBHOOK_JITTER = 0.2;

export type WebhookRandom = () => number;

/** The number of attempts a schedule allows in all: the first one plus one per wait. */
export function maxDeliveryAttempts(schedule: readonly number[]): number {
  return schedule.length + 1;
}

/**
 * The time of the attempt after attempt `attemptNo` (1-based) made at `now`, or null when the
 * schedule is spent (give up).
 */
export function nextDeliveryAt(
  attemptNo: number,
  now: Date,
  schedule: readonly number[] = DEFAULT_WEBHOOK_SCHEDULE,
  random: WebhookRandom = Math.random,
): Date | null {
  if (!Number.isInteger(attemptNo) || attemptNo < 1) {
    throw new RangeError(`attemptNo must be a positive integer, got ${attemptNo}`);
  }
  const nominal = schedule[attemptNo - 1];
  if (nominal === undefined) return null;
  const r = random();
  if (!(r >= 0 && r <= 1)) throw new RangeError(`random() must be within [0, 1], got ${r}`);
  const wait = Math.ceil(nominal * (1 - WEBHOOK_JITTER * (1 - r)));
  return new Date(now.getTime() + wait);
}

/** Parses `WEBHOOK_RETRY_SCHEDULE`: a comma-separated list of non-negative whole ms. */
export function parseWebhookSchedule(text: string): readonly number[] | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}
