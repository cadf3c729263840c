/** Latency summary in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return 0;
    const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return round(sorted[Math.max(0, index)] ?? 0);
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted.at(-1) ?? 0) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The result of one side of the benchmark. */
export interface RunResult {
  checkouts: number;
  errors: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly errorSamples: string[];
}

/**
 * Runs `users` loops of `checkout` for `seconds`, after `warmupSeconds` unmeasured. Each loop
 * records its latency or its error; the clock is the same for both sides of the benchmark.
 */
export async function runLoad(
  users: number,
  warmupSeconds: number,
  seconds: number,
  checkout: (user: number, iteration: number) => Promise<void>,
): Promise<RunResult> {
  const result: RunResult = { checkouts: 0, errors: 0, seconds, latencies: [], errorSamples: [] };
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      for (let iteration = 0; performance.now() < end; iteration++) {
        const started = performance.now();
        const measured = started >= warmupEnd;
        try {
          await checkout(user, iteration);
          if (measured && performance.now() <= end) {
            result.checkouts++;
            result.latencies.push(performance.now() - started);
          }
        } catch (error) {
          if (measured) {
            result.errors++;
            if (result.errorSamples.length < 5) result.errorSamples.push(String(error));
          }
        }
      }
    }),
  );
  return result;
}

/** Several slices of one side's load as one result. */
export function combine(runs: readonly RunResult[]): RunResult {
  return {
    checkouts: runs.reduce((n, r) => n + r.checkouts, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    seconds: runs.reduce((n, r) => n + r.seconds, 0),
    latencies: runs.flatMap((r) => r.latencies),
    errorSamples: runs.flatMap((r) => r.errorSamples).slice(0, 5),
  };
}

/** Measured checkouts per second, to one decimal. */
export function checkoutsPerSecond(run: RunResult): number {
  return Math.round((run.checkouts / run.seconds) * 10) / 10;
}

/** `numerator / denominator` of two rates, to three decimals (a zero denominator counts as 0.1). */
export function ratioOf(numerator: number, denominator: number): number {
  return Math.round((numerator / Math.max(denominator, 0.1)) * 1000) / 1000;
}
