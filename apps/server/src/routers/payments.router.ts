import { IDEMPOTENCY_KEY_MAX_LENGTH } from '@orders/core';
import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, router } from '../trpc/init.js';
import { getPayment } from '../use-cases/get-payment.js';
import { payOrder } from '../use-cases/pay-order.js';
import { authedWithIdempotencyHeader } from './idempotency-header.js';
import { text } from './input-fields.js';
import { presentPayment } from './payment-presenters.js';
import { paymentOutput } from './payment-schemas.js';

const paymentMethod = z.object({
  type: z.literal('card'),
  // Digits, optionally grouped by spaces or dashes; Luhn and expiry are the core's to judge.
  number: text()
    .trim()
    .regex(/^[0-9][0-9 -]{10,24}[0-9]$/, 'must be a card number'),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(0).max(9999),
  cvc: text().regex(/^[0-9]{3,4}$/, 'must be 3 or 4 digits'),
});

const idempotencyKey = text()
  .min(1)
  .max(IDEMPOTENCY_KEY_MAX_LENGTH)
  .meta({ description: 'Per user; REST clients may send the `Idempotency-Key` header instead' });

const payInput = z.object({ orderId: z.uuid(), paymentMethod, idempotencyKey }).meta({
  examples: [
    {
      orderId: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
      paymentMethod: {
        type: 'card',
        number: '4242424242424242',
        expMonth: 12,
        expYear: 2030,
        cvc: '123',
      },
      idempotencyKey: 'pay-7f1c2d3e-1',
    },
  ],
});

/** Documents the header; the context reads it (idempotency-header.ts applies it). */
const payHeaders = z.object({
  'Idempotency-Key': idempotencyKey.optional(),
});

const tags = ['payments'];

export const paymentsRouter = router({
  pay: authedWithIdempotencyHeader
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/payment-processor/pay',
        tags,
        summary: 'Pay an order: fraud check, then gateway attempts with retries',
        description:
          'The idempotency key goes in the body or the `Idempotency-Key` header (equal when both ' +
          'are sent). The same key and request replay the stored result.',
        requestHeaders: payHeaders,
      },
    })
    .input(payInput)
    .output(paymentOutput)
    .mutation(async ({ ctx, input }) => {
      const { services } = ctx;
      const deps = {
        db: ctx.db,
        engine: services.payments.engine,
        settings: services.payments.settings,
        fingerprint: services.payments.fingerprint,
        now: services.now,
        metrics: services.metrics.domain,
      };
      const view = unwrap(await payOrder(deps, { ...input, userId: ctx.user.userId }));
      return presentPayment(view);
    }),

  get: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/payment-processor/{orderId}',
        tags,
        summary: "An order's payment: status, attempts, fraud signals (owner or admin)",
      },
    })
    .input(z.object({ orderId: z.uuid() }))
    .output(paymentOutput)
    .query(async ({ ctx, input }) => {
      const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
      return presentPayment(unwrap(await getPayment(ctx.db, query)));
    }),
});
