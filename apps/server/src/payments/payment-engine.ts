import { randomUUID } from 'node:crypto';
import { releaseLeases, retryTransient, type Database } from '@orders/db';
import type { Logger } from 'pino';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import {
  recordAttempt,
  startAttempt,
  type SettledPayment,
  type StartResult,
} from './payment-steps.js';
import type { PaymentSettings } from './payment-settings.js';

/** Drives payments through their attempts; one per server instance. */
export interface PaymentEngine {
  /** This instance's lease-owner id. */
  readonly owner: string;
  /**
   * Drives the payment until it is final, this instance loses it, or the engine stops. Pass
   * `started` for a payment whose attempt this instance has just committed as started (a new
   * payment): the drive goes straight to the gateway. Resolves to the settled payment when this
   * drive settled it; never rejects (a failed drive is logged, and its lease runs out for a worker).
   */
  drive(paymentId: string, started?: StartedAttempt): Promise<SettledPayment | undefined>;
  /**
   * Waits for a local drive of the payment (if any) to finish, at most `ms`; the settled payment
   * if that drive settled it in time.
   */
  settle(paymentId: string, ms: number): Promise<SettledPayment | undefined>;
  /** Stops driving; leases are handed back so another instance continues at once. */
  stop(): Promise<void>;
}

/** An attempt committed as started (PROCESSING, leased to this engine), not yet made. */
export type StartedAttempt = Extract<StartResult, { kind: 'attempt' }>;

export interface PaymentEngineDeps {
  readonly db: Database;
  readonly settings: PaymentSettings;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly random: () => number;
  readonly metrics: DomainMetrics;
}

/**
 * The imperative shell around the core's payment decisions. Each attempt is two transactions —
 * start (→ PROCESSING, lease renewed) and record (attempt row + decision, and on a final state
 * the order, stock and journal) — with the gateway call between them, outside any transaction.
 * Every step checks the lease, so a driver that lost its payment to another instance stops.
 */
export function createPaymentEngine(deps: PaymentEngineDeps): PaymentEngine {
  const owner = `engine-${randomUUID()}`;
  const active = new Map<string, Promise<SettledPayment | undefined>>();
  const stopController = new AbortController();

  async function run(
    paymentId: string,
    first: StartedAttempt | undefined,
  ): Promise<SettledPayment | undefined> {
    const context = { ...deps, owner };
    let begun: StartResult | undefined = first;
    while (!stopController.signal.aborted) {
      const started = begun ?? (await retryTransient(() => startAttempt(context, paymentId)));
      begun = undefined;
      if (started.kind === 'stop') return undefined;
      if (started.kind === 'wait') {
        await sleep(started.untilMs - deps.now().getTime(), stopController.signal);
        continue;
      }
      const recorded = await retryTransient(() => recordAttempt(context, started));
      if (recorded.kind === 'stop') return recorded.settled;
      await sleep(recorded.retryAtMs - deps.now().getTime(), stopController.signal);
    }
    return undefined;
  }

  return {
    owner,
    drive(paymentId, started) {
      const running = active.get(paymentId);
      if (running) return running;
      const drive = run(paymentId, started)
        .catch((error: unknown) => {
          // The lease runs out and a worker picks the payment up again.
          deps.logger.error({ paymentId, error: nameOf(error) }, 'payment drive failed');
          return undefined;
        })
        .finally(() => active.delete(paymentId));
      active.set(paymentId, drive);
      return drive;
    },
    async settle(paymentId, ms) {
      const running = active.get(paymentId);
      if (!running) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, ms, undefined);
      });
      try {
        return await Promise.race([running, waited]);
      } finally {
        clearTimeout(timer); // the timer goes with the wait, not 10 s later
      }
    },
    async stop() {
      stopController.abort();
      await Promise.allSettled(active.values());
      await releaseLeases(deps.db, owner);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
