import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { metricValue } from '../testing/metrics-text.js';
import { createDomainMetrics, type DomainMetrics } from './domain-metrics.js';

let registry: Registry;
let metrics: DomainMetrics;
const value = async (name: string, labels: Record<string, string> = {}) =>
  metricValue(await registry.metrics(), name, labels);

beforeEach(() => {
  registry = new Registry();
  metrics = createDomainMetrics(registry);
});

describe('the domain counters', () => {
  it('start every final state and failure code at 0, so a fresh instance has all series', async () => {
    const text = await registry.metrics();
    expect(text).toContain(
      'payments_final_total{status="FAILED_FINAL",failure_code="CARD_DECLINED"} 0',
    );
    expect(text).toContain('orders_final_total{status="CANCELLED"} 0');
    expect(text).toContain('payment_attempts_total{outcome="ERROR"} 0');
  });

  it('count a settled payment with the final state it gives its order', async () => {
    metrics.paymentSettled({ status: 'SUCCESS', failureCode: null });
    metrics.paymentSettled({ status: 'FAILED_FINAL', failureCode: 'INSUFFICIENT_FUNDS' });
    expect(await value('payments_final_total', { status: 'SUCCESS', failure_code: 'none' })).toBe(
      1,
    );
    expect(
      await value('payments_final_total', {
        status: 'FAILED_FINAL',
        failure_code: 'INSUFFICIENT_FUNDS',
      }),
    ).toBe(1);
    expect(await value('orders_final_total', { status: 'CONFIRMED' })).toBe(1);
    expect(await value('orders_final_total', { status: 'FAILED' })).toBe(1);
    expect(await value('fraud_rejections_total')).toBe(0);
  });

  it('count a fraud rejection as a failed payment and a rejection', async () => {
    metrics.paymentSettled({ status: 'FAILED_FINAL', failureCode: 'FRAUD_REJECTED' });
    expect(await value('fraud_rejections_total')).toBe(1);
    expect(await value('orders_final_total', { status: 'FAILED' })).toBe(1);
  });

  it('count attempts by outcome, a retry when one is scheduled, and the state after the last', async () => {
    metrics.attemptRecorded('ERROR', { status: 'RETRY', failureCode: null });
    metrics.attemptRecorded('ERROR', { status: 'RETRY', failureCode: null });
    metrics.attemptRecorded('APPROVED', { status: 'SUCCESS', failureCode: null });
    expect(await value('payment_attempts_total', { outcome: 'ERROR' })).toBe(2);
    expect(await value('payment_attempts_total', { outcome: 'APPROVED' })).toBe(1);
    expect(await value('payment_retries_total')).toBe(2);
    expect(await value('payments_final_total', { status: 'SUCCESS', failure_code: 'none' })).toBe(
      1,
    );
  });

  it('count cancellations, expiries and worker claims, ignoring empty rounds', async () => {
    metrics.ordersCancelled('customer', 1);
    metrics.ordersCancelled('expired', 3);
    metrics.ordersCancelled('expired', 0);
    metrics.paymentsClaimed(0);
    metrics.paymentsClaimed(2);
    expect(await value('orders_final_total', { status: 'CANCELLED' })).toBe(4);
    expect(await value('orders_expired_total')).toBe(3);
    expect(await value('worker_claimed_payments_total')).toBe(2);
  });

  it('count events written by type, every type starting at 0', async () => {
    expect(await registry.metrics()).toContain('events_written_total{type="refund.failed"} 0');
    metrics.eventsWritten([{ type: 'order.created' }, { type: 'order.created' }]);
    metrics.eventsWritten([{ type: 'payment.failed' }]);
    expect(await value('events_written_total', { type: 'order.created' })).toBe(2);
    expect(await value('events_written_total', { type: 'payment.failed' })).toBe(1);
  });
});
