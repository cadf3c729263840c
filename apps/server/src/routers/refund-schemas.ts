import {
  REFUND_FAILURE_CODES,
  REFUND_REASONS,
  REFUND_STATUSES,
  type AttemptOutcome,
  type RefundAttemptCode,
} from '@orders/core';
import { z } from 'zod';
import { isoTime } from './output-schemas.js';

/** What the refund procedures return (DESIGN §2 Refunds: the refund's shape). */

const ATTEMPT_OUTCOMES = ['APPROVED', 'DECLINED', 'ERROR'] as const satisfies AttemptOutcome[];
const REFUND_ATTEMPT_CODES = [
  'refund_failed',
  'processing_error',
  'gateway_timeout',
] as const satisfies RefundAttemptCode[];

export const refundOutput = z
  .strictObject({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string(),
    amountCents: z.int(),
    currency: z.string(),
    reason: z.enum(REFUND_REASONS),
    note: z.string().nullable(),
    status: z.enum(REFUND_STATUSES),
    failureCode: z.enum(REFUND_FAILURE_CODES).nullable(),
    attempts: z.array(
      z.strictObject({
        number: z.int(),
        outcome: z.enum(ATTEMPT_OUTCOMES),
        code: z.enum(REFUND_ATTEMPT_CODES).nullable(),
        latencyMs: z.int(),
        at: isoTime,
      }),
    ),
    restock: z.array(z.strictObject({ sku: z.string(), quantity: z.int() })),
    createdAt: isoTime,
    settledAt: isoTime.nullable(),
  })
  .meta({
    examples: [
      {
        id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
        paymentId: '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f',
        orderId: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
        amountCents: 1250,
        currency: 'USD',
        reason: 'requested_by_customer',
        note: 'one mug came broken',
        status: 'SUCCEEDED',
        failureCode: null,
        attempts: [
          { number: 1, outcome: 'APPROVED', code: null, latencyMs: 1, at: '2025-06-02T09:00:00Z' },
        ],
        restock: [{ sku: 'MUG-01', quantity: 1 }],
        createdAt: '2025-06-02T09:00:00Z',
        settledAt: '2025-06-02T09:00:00Z',
      },
    ],
  });

export const refundListOutput = z.array(refundOutput);
