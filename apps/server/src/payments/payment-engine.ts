import { randomUUID } from 'node:crypto';
import { releaseLeases, retryTransient, type Database } from '@orders/db';
import type { Logger } from 'pino';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import { recordAttempt, type FinalPayment } from '../use-cases/record-attempt.js';
import { startAttempt, type StartedAttempt } from '../use-cases/start-attempt.js';
import { callGateway } from './gateway.js';
import type { PaymentSettings } from './payment-settings.js';

/** Drives payments through their attempts; one per server instance. */
export interface PaymentEngine {
  /** This instance's lease-owner id. */
  readonly owner: string;
  /**
   * Drives the payment until it is final, this instance loses it, or the engine stops. Pass
   * `started` for a payment whose first attempt was committed as started with it (a new
   * payment): the drive goes straight to the gateway. Never rejects: a failed drive is logged,
   * and its lease runs out for a worker to pick it up.
   */
  drive(paymentId: string, started?: StartedAttempt): void;
  /**
   * Waits for this instance's drive of the payment (if any) to end, at most `ms`: the payment as
   * the transaction that settled it committed it, or undefined (not settled here in time).
   */
  awaitOutcome(paymentId: string, ms: number): Promise<FinalPayment | undefined>;
  /** Stops driving; leases are handed back so another instance continues at once. */
  stop(): Promise<void>;
}

export interface PaymentEngineDeps {
  readonly db: Database;
  readonly settings: PaymentSettings;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly random: () => number;
  readonly metrics: DomainMetrics;
}

/**
 * The payment engine (DESIGN §2 Payments), one loop per payment: start the attempt (a
 * transaction: → PROCESSING, lease renewed), call the gateway (outside any transaction), record
 * the answer (a transaction: core's `settleAttempt`, written by compare-and-set on the lease),
 * then wait for the retry or stop at a final state. Each step is a use case; the engine only
 * sequences them and sleeps.
 */
export function createPaymentEngine(deps: PaymentEngineDeps): PaymentEngine {
  const owner = `engine-${randomUUID()}`;
  const { settings } = deps;
  const steps = {
    ...deps,
    owner,
    leaseMs: settings.leaseMs,
    policy: settings.retryPolicy,
  };
  const active = new Map<string, Promise<FinalPayment | undefined>>();
  const stopping = new AbortController();

  async function run(
    paymentId: string,
    first: StartedAttempt | undefined,
  ): Promise<FinalPayment | undefined> {
    let next: StartedAttempt | undefined = first;
    while (!stopping.signal.aborted) {
      const started = next ?? (await retryTransient(() => startAttempt(steps, paymentId)));
      next = undefined;
      if (started.kind === 'stop') return undefined;
      if (started.kind === 'wait') {
        await sleep(started.untilMs - deps.now().getTime(), stopping.signal);
        continue;
      }
      const answer = callGateway(started.payment, started.attemptNo, settings.noise);
      const recorded = await retryTransient(() => recordAttempt(steps, started, answer));
      if (recorded.kind === 'lost') return undefined;
      if (recorded.kind === 'final') return recorded.payment;
      await sleep(recorded.retryAtMs - deps.now().getTime(), stopping.signal);
    }
    return undefined;
  }

  return {
    owner,
    drive(paymentId, started) {
      if (active.has(paymentId)) return;
      const drive = run(paymentId, started)
        .catch((error: unknown) => {
          // The lease runs out and a worker picks the payment up again.
          deps.logger.error({ paymentId, error: nameOf(error) }, 'payment drive failed');
          return undefined;
        })
        .finally(() => active.delete(paymentId));
      active.set(paymentId, drive);
    },
    async awaitOutcome(paymentId, ms) {
      const running = active.get(paymentId);
      if (!running) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, ms, undefined);
      });
      try {
        return await Promise.race([running, waited]);
      } finally {
        clearTimeout(timer); // the timer goes with the wait, not PAY_WAIT later
      }
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled(active.values());
      await releaseLeases(deps.db, owner);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
