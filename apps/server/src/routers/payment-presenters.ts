import type { LedgerReport } from '@orders/core';
import type { OrderLedger } from '../use-cases/ledger-for-order.js';
import type { PaymentView } from '../use-cases/get-payment.js';
import { presentRefund } from './refund-presenters.js';

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** The public payment shape (DESIGN §3): whitelisted fields, money in cents, times ISO-8601. */
export function presentPayment({ payment, attempts, order, refunds }: PaymentView) {
  return {
    id: payment.id,
    orderId: payment.orderId,
    status: payment.status,
    amountCents: payment.amount.amountCents,
    currency: payment.amount.currency,
    failureCode: payment.failureCode,
    card: { brand: payment.card.brand, last4: payment.card.last4 },
    fraud: {
      score: payment.fraud.score,
      verdict: payment.fraud.verdict,
      signals: payment.fraud.signals.map(({ rule, score, reason }) => ({ rule, score, reason })),
    },
    attempts: attempts.map((a) => ({
      number: a.number,
      outcome: a.outcome,
      code: a.code,
      latencyMs: a.latencyMs,
      at: iso(a.at),
    })),
    nextAttemptAt: payment.nextAttemptAt === null ? null : iso(payment.nextAttemptAt),
    order: { id: order.id, status: order.status },
    refundedCents: refunds
      .filter(({ refund }) => refund.status === 'SUCCEEDED')
      .reduce((sum, { refund }) => sum + refund.amount.amountCents, 0),
    refunds: refunds.map(presentRefund),
  };
}

export function presentOrderLedger(ledger: OrderLedger) {
  return {
    orderId: ledger.orderId,
    payment: ledger.payment ? presentPayment(ledger.payment) : null,
    entries: ledger.entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      reference: e.reference,
      postings: e.postings.map((p) => ({ account: p.account, amountCents: p.amountCents })),
      hash: e.hash,
      createdAt: e.createdAt.toISOString(),
    })),
  };
}

export function presentLedgerReport(report: LedgerReport) {
  return {
    ok: report.ok,
    checked: { ...report.checked },
    problems: report.problems.map(({ code, detail }) => ({ code, detail })),
  };
}
