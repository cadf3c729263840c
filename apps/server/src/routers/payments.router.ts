import { IDEMPOTENCY_KEY_MAX_LENGTH } from '@orders/core';
import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, router } from '../trpc/init.js';
import { getPayment } from '../use-cases/get-payment.js';
import { payOrder } from '../use-cases/pay-order.js';
import { presentPayment } from './payment-presenters.js';

const paymentMethod = z.object({
  type: z.literal('card'),
  // Digits, optionally grouped by spaces or dashes; Luhn and expiry are the core's to judge.
  number: z
    .string()
    .trim()
    .regex(/^[0-9][0-9 -]{10,24}[0-9]$/, 'must be a card number'),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(0).max(9999),
  cvc: z.string().regex(/^[0-9]{3,4}$/, 'must be 3 or 4 digits'),
});

const payInput = z.object({
  orderId: z.uuid(),
  paymentMethod,
  idempotencyKey: z.string().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH),
});

export const paymentsRouter = router({
  pay: authedProcedure.input(payInput).mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    const deps = {
      em: ctx.em,
      engine: services.payments.engine,
      settings: services.payments.settings,
      fingerprint: services.payments.fingerprint,
      now: services.now,
    };
    const view = unwrap(await payOrder(deps, { ...input, userId: ctx.user.userId }));
    return presentPayment(view);
  }),

  get: authedProcedure.input(z.object({ orderId: z.uuid() })).query(async ({ ctx, input }) => {
    const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
    return presentPayment(unwrap(await getPayment(ctx.em, query)));
  }),
});
