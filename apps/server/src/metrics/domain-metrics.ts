import {
  EVENT_TYPES,
  FAILURE_CODES,
  type AttemptOutcome,
  type FailureCode,
  type PaymentStatus,
  type RefundStatus,
} from '@orders/core';
import { Counter, type Registry } from 'prom-client';

/** A payment's state after a step, as the metrics see it. */
export interface PaymentState {
  readonly status: PaymentStatus;
  readonly failureCode: FailureCode | null;
}

/**
 * The business events operators watch, counted where they happen and only once their transaction
 * has committed (a rolled-back, retried transaction counts nothing). Passed to the engine, the
 * worker and the use cases that need it; never a global.
 */
export interface DomainMetrics {
  /** A gateway attempt was recorded; `after` is the payment's state it led to. */
  attemptRecorded(outcome: AttemptOutcome, after: PaymentState): void;
  /** A payment became final at creation (fraud rejection) or after an attempt. */
  paymentSettled(payment: PaymentState): void;
  /** Orders moved to CANCELLED: by their owner, or by the worker when their TTL ran out. */
  ordersCancelled(reason: 'customer' | 'expired', count: number): void;
  /** Payments the worker claimed (lease ran out, retry due) and handed to the engine. */
  paymentsClaimed(count: number): void;
  /** A refund gateway attempt was recorded; `status` is the refund's state it led to. */
  refundAttemptRecorded(outcome: AttemptOutcome, status: RefundStatus): void;
  /** Refunds the worker claimed and handed to the engine. */
  refundsClaimed(count: number): void;
  /** Events written to the outbox, committed with the changes they describe. */
  eventsWritten(events: readonly { readonly type: string }[]): void;
}

const ORDER_FINAL_STATES = ['CONFIRMED', 'FAILED', 'CANCELLED'] as const;
const OUTCOMES: readonly AttemptOutcome[] = ['APPROVED', 'DECLINED', 'ERROR'];

/** The counters behind {@link DomainMetrics}, registered on `registry`. */
export function createDomainMetrics(registry: Registry): DomainMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const ordersFinal = counter('orders_final_total', 'Orders by final state', ['status']);
  const ordersExpired = counter('orders_expired_total', 'PENDING orders expired by the worker', []);
  const paymentsFinal = counter('payments_final_total', 'Payments by final state and failure', [
    'status',
    'failure_code',
  ]);
  const attempts = counter('payment_attempts_total', 'Gateway attempts by outcome', ['outcome']);
  const retries = counter('payment_retries_total', 'Attempts followed by a scheduled retry', []);
  const fraudRejections = counter('fraud_rejections_total', 'Payments rejected by fraud rules', []);
  const claims = counter('worker_claimed_payments_total', 'Payments claimed by the worker', []);
  const refundAttempts = counter('refund_attempts_total', 'Refund gateway attempts by outcome', [
    'outcome',
  ]);
  const refundsFinal = counter('refunds_final_total', 'Refunds by final state', ['status']);
  const refundClaims = counter('worker_claimed_refunds_total', 'Refunds claimed by the worker', []);
  const eventsWritten = counter('events_written_total', 'Events written to the outbox, by type', [
    'type',
  ]);

  // Every series exists from the start, so a rate() over a fresh instance is 0, not absent.
  for (const status of ORDER_FINAL_STATES) ordersFinal.inc({ status }, 0);
  for (const outcome of OUTCOMES) attempts.inc({ outcome }, 0);
  for (const outcome of OUTCOMES) refundAttempts.inc({ outcome }, 0);
  for (const status of ['SUCCEEDED', 'FAILED']) refundsFinal.inc({ status }, 0);
  paymentsFinal.inc({ status: 'SUCCESS', failure_code: 'none' }, 0);
  for (const type of EVENT_TYPES) eventsWritten.inc({ type }, 0);
  for (const code of FAILURE_CODES)
    paymentsFinal.inc({ status: 'FAILED_FINAL', failure_code: code }, 0);

  const metrics: DomainMetrics = {
    attemptRecorded(outcome, after) {
      attempts.inc({ outcome });
      if (after.status === 'RETRY') retries.inc();
      metrics.paymentSettled(after);
    },
    paymentSettled({ status, failureCode }) {
      if (status !== 'SUCCESS' && status !== 'FAILED_FINAL') return;
      paymentsFinal.inc({ status, failure_code: failureCode ?? 'none' });
      // Settling a payment confirms or fails its order in the same transaction.
      ordersFinal.inc({ status: status === 'SUCCESS' ? 'CONFIRMED' : 'FAILED' });
      if (failureCode === 'FRAUD_REJECTED') fraudRejections.inc();
    },
    ordersCancelled(reason, count) {
      if (count <= 0) return;
      ordersFinal.inc({ status: 'CANCELLED' }, count);
      if (reason === 'expired') ordersExpired.inc(count);
    },
    paymentsClaimed(count) {
      if (count > 0) claims.inc(count);
    },
    refundAttemptRecorded(outcome, status) {
      refundAttempts.inc({ outcome });
      if (status === 'SUCCEEDED' || status === 'FAILED') refundsFinal.inc({ status });
    },
    refundsClaimed(count) {
      if (count > 0) refundClaims.inc(count);
    },
    eventsWritten(events) {
      for (const { type } of events) eventsWritten.inc({ type });
    },
  };
  return metrics;
}
