import { randomUUID } from 'node:crypto';
import { releaseLeases, releaseRefundLeases, retryTransient, type Database } from '@orders/db';
import type { Logger } from 'pino';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import { recordAttempt, type FinalPayment } from '../use-cases/record-attempt.js';
import { recordRefundAttempt, type FinalRefund } from '../use-cases/record-refund-attempt.js';
import { startAttempt, type StartedAttempt } from '../use-cases/start-attempt.js';
import {
  startRefundAttempt,
  type StartedRefundAttempt,
} from '../use-cases/start-refund-attempt.js';
import { callGateway, callRefundGateway } from './gateway.js';
import type { PaymentSettings } from './payment-settings.js';

/** Drives payments and refunds through their attempts; one per server instance. */
export interface PaymentEngine {
  /** This instance's lease-owner id, for payments and refunds alike. */
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
  /** {@link drive}, for a refund. */
  driveRefund(refundId: string, started?: StartedRefundAttempt): void;
  /** {@link awaitOutcome}, for a refund. */
  awaitRefundOutcome(refundId: string, ms: number): Promise<FinalRefund | undefined>;
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

/** One attempt's steps for one kind of charge: the engine's loop is the same for both. */
interface AttemptSteps<Started extends { readonly kind: 'attempt' }, Answer, Final> {
  start(
    id: string,
  ): Promise<
    { readonly kind: 'stop' } | { readonly kind: 'wait'; readonly untilMs: number } | Started
  >;
  /** The gateway call, outside any transaction. */
  call(started: Started): Answer;
  record(
    started: Started,
    answer: Answer,
  ): Promise<
    | { readonly kind: 'lost' }
    | { readonly kind: 'retry'; readonly retryAtMs: number }
    | { readonly kind: 'final'; readonly final: Final }
  >;
}

/**
 * The payment engine (DESIGN §2 Payments and Refunds), one loop per payment or refund: start the
 * attempt (a transaction: → PROCESSING, lease renewed), call the gateway (outside any
 * transaction), record the answer (a transaction: core's `settleAttempt` or
 * `settleRefundAttempt`, written only while the lease is this engine's), then wait for the retry or
 * stop at a final state. Each step is a use case; the engine only sequences them and sleeps.
 */
export function createPaymentEngine(deps: PaymentEngineDeps): PaymentEngine {
  const owner = `engine-${randomUUID()}`;
  const { settings } = deps;
  const context = { ...deps, owner, leaseMs: settings.leaseMs, policy: settings.retryPolicy };
  const stopping = new AbortController();

  const payments = drives<StartedAttempt, ReturnType<typeof callGateway>, FinalPayment>('payment', {
    start: (id) => startAttempt(context, id),
    call: (started) => callGateway(started.payment, started.attemptNo, settings.noise),
    record: (started, answer) => recordAttempt(context, started, answer),
  });
  const refunds = drives<StartedRefundAttempt, ReturnType<typeof callRefundGateway>, FinalRefund>(
    'refund',
    {
      start: (id) => startRefundAttempt(context, id),
      call: (started) =>
        callRefundGateway(started.refund, started.gatewayToken, started.attemptNo, settings.noise),
      record: (started, answer) => recordRefundAttempt(context, started, answer),
    },
  );

  function drives<Started extends { readonly kind: 'attempt' }, Answer, Final>(
    kind: 'payment' | 'refund',
    steps: AttemptSteps<Started, Answer, Final>,
  ) {
    const active = new Map<string, Promise<Final | undefined>>();

    async function run(id: string, first: Started | undefined): Promise<Final | undefined> {
      let next: Started | undefined = first;
      while (!stopping.signal.aborted) {
        const started = next ?? (await retryTransient(() => steps.start(id)));
        next = undefined;
        if (started.kind === 'stop') return undefined;
        if (started.kind === 'wait') {
          await sleep(started.untilMs - deps.now().getTime(), stopping.signal);
          continue;
        }
        const answer = steps.call(started);
        const recorded = await retryTransient(() => steps.record(started, answer));
        if (recorded.kind === 'lost') return undefined;
        if (recorded.kind === 'final') return recorded.final;
        await sleep(recorded.retryAtMs - deps.now().getTime(), stopping.signal);
      }
      return undefined;
    }

    return {
      active,
      drive(id: string, started?: Started): void {
        if (active.has(id)) return;
        const drive = run(id, started)
          .catch((error: unknown) => {
            // The lease runs out and a worker picks it up again.
            deps.logger.error({ [`${kind}Id`]: id, error: nameOf(error) }, `${kind} drive failed`);
            return undefined;
          })
          .finally(() => active.delete(id));
        active.set(id, drive);
      },
      async awaitOutcome(id: string, ms: number): Promise<Final | undefined> {
        const running = active.get(id);
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
    };
  }

  return {
    owner,
    drive: (paymentId, started) => {
      payments.drive(paymentId, started);
    },
    awaitOutcome: (paymentId, ms) => payments.awaitOutcome(paymentId, ms),
    driveRefund: (refundId, started) => {
      refunds.drive(refundId, started);
    },
    awaitRefundOutcome: (refundId, ms) => refunds.awaitOutcome(refundId, ms),
    async stop() {
      stopping.abort();
      await Promise.allSettled([...payments.active.values(), ...refunds.active.values()]);
      await Promise.all([releaseLeases(deps.db, owner), releaseRefundLeases(deps.db, owner)]);
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
