import {
  CARD_BRANDS,
  FAILURE_CODES,
  FRAUD_VERDICTS,
  JOURNAL_ENTRY_KINDS,
  LEDGER_PROBLEM_CODES,
  ORDER_STATUSES,
  PAYMENT_STATUSES,
  type AttemptOutcome,
  type GatewayCode,
} from '@orders/core';
import { z } from 'zod';
import { isoTime } from './output-schemas.js';
import { refundOutput } from './refund-schemas.js';

/**
 * What the payment and ledger procedures return (DESIGN §3), mirroring payment-presenters.ts;
 * plain on purpose, as in output-schemas.ts.
 */

const ATTEMPT_OUTCOMES = ['APPROVED', 'DECLINED', 'ERROR'] as const satisfies AttemptOutcome[];
const GATEWAY_CODES = [
  'card_declined',
  'insufficient_funds',
  'processing_error',
  'gateway_timeout',
] as const satisfies GatewayCode[];

const attempt = z.object({
  number: z.int(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  code: z.enum(GATEWAY_CODES).nullable(),
  latencyMs: z.int(),
  at: isoTime,
});

export const paymentOutput = z
  .object({
    id: z.string(),
    orderId: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    amountCents: z.int(),
    currency: z.string(),
    failureCode: z.enum(FAILURE_CODES).nullable(),
    card: z.object({ brand: z.enum(CARD_BRANDS), last4: z.string() }),
    fraud: z.object({
      score: z.number(),
      verdict: z.enum(FRAUD_VERDICTS),
      signals: z.array(z.object({ rule: z.string(), score: z.number(), reason: z.string() })),
    }),
    attempts: z.array(attempt),
    nextAttemptAt: isoTime.nullable(),
    order: z.object({ id: z.string(), status: z.enum(ORDER_STATUSES) }),
    /** What SUCCEEDED refunds gave back. */
    refundedCents: z.int(),
    refunds: z.array(refundOutput),
  })
  .meta({
    examples: [
      {
        id: '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f',
        orderId: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
        status: 'SUCCESS',
        amountCents: 2500,
        currency: 'USD',
        failureCode: null,
        card: { brand: 'visa', last4: '4242' },
        fraud: { score: 0, verdict: 'ALLOW', signals: [] },
        attempts: [
          { number: 1, outcome: 'APPROVED', code: null, latencyMs: 1, at: '2025-06-01T12:01:00Z' },
        ],
        nextAttemptAt: null,
        order: { id: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f', status: 'CONFIRMED' },
        refundedCents: 0,
        refunds: [],
      },
    ],
  });

const journalEntry = z.object({
  id: z.string(),
  kind: z.enum(JOURNAL_ENTRY_KINDS),
  reference: z.string(),
  postings: z.array(z.object({ account: z.string(), amountCents: z.int() })),
  hash: z.string(),
  createdAt: isoTime,
});

export const orderLedgerOutput = z.object({
  orderId: z.string(),
  payment: paymentOutput.nullable(),
  entries: z.array(journalEntry),
});

export const ledgerReportOutput = z.object({
  ok: z.boolean(),
  checked: z.object({ entries: z.int(), payments: z.int(), chains: z.int() }),
  problems: z.array(z.object({ code: z.enum(LEDGER_PROBLEM_CODES), detail: z.string() })),
});
