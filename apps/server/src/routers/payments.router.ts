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
  // Digits, optionally grouped by spaces or dashes; Luhn and expiry are the core's to judge. The
  // pattern allows the surrounding whitespace that is then trimmed, so the published pattern is
  // the check itself (see input-fields.ts on SKUs).
  number: text()
    .regex(/^\s*[0-9][0-9 -]{10,24}[0-9]\s*$/, 'must be a card number')
    .trim(),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(0).max(9999),
  cvc: text().regex(/^[0-9]{3,4}$/, 'must be 3 or 4 digits'),
});

const idempotencyKey = text().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH);

/**
 * The key is required, in one of two places, which OpenAPI cannot say: both places are optional
 * in the document (a request using either one is valid to a validating proxy), and the
 * descriptions and the 400 response say that one of them must be there.
 */
const KEY_RULE =
  'Required in one of two places: this header (preferred) or `idempotencyKey` in the body. ' +
  'Sending neither is answered 400 with `data.issues[0].path` = `idempotencyKey`; sending both ' +
  'with different values is 400 too.';

const payInput = z
  .object({
    orderId: z.uuid(),
    paymentMethod,
    idempotencyKey: idempotencyKey.meta({
      description:
        "The payment's idempotency key (per user, 1–255 characters), as an alternative to the " +
        '`Idempotency-Key` header: one of the two is required (400 without either).',
    }),
  })
  .meta({
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
  'Idempotency-Key': idempotencyKey
    .optional()
    .meta({ param: { description: `The payment's idempotency key. ${KEY_RULE}` } }),
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
          "Charges the order's total (the server prices it; the client sends no amount) to a " +
          'card: a fraud assessment first (no gateway call when it rejects), then attempts ' +
          'against the gateway, transient errors retried with backoff. Answers with the ' +
          'payment once it is final, or as it stands after the wait (poll ' +
          '`GET /api/payment-processor/{orderId}`). A declined or rejected payment is a 200 ' +
          'with status FAILED_FINAL and its `failureCode`. The idempotency key is required, ' +
          'in the `Idempotency-Key` header or as `idempotencyKey` in the body (equal when both ' +
          'are sent): the same key with the same request replays the stored result.',
        errorResponses: {
          400:
            'An invalid card (`PAYMENT.INVALID_CARD`), or no idempotency key in the header or ' +
            'the body.',
          404: 'No such order of yours (`ORDER.NOT_FOUND`).',
          409:
            'Already paid (`PAYMENT.ALREADY_PAID`), no longer PENDING (`ORDER.NOT_PENDING`), ' +
            'expired (`ORDER.EXPIRED`), or the same key still running (`IDEMPOTENCY.IN_PROGRESS`).',
          422:
            'The key was used for another request (`IDEMPOTENCY.KEY_REUSED`), or the order ' +
            'cannot be charged (`PAYMENT.INVALID_AMOUNT`).',
        },
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
        description:
          'The payment of one of your orders (any order, for an admin): its status, the card ' +
          '(brand and last 4 digits only), the fraud assessment and every gateway attempt. ' +
          'Poll it while a payment is still PROCESSING or RETRY.',
        errorResponses: { 404: 'No payment for this order, or not yours (`PAYMENT.NOT_FOUND`).' },
      },
    })
    .input(z.object({ orderId: z.uuid() }))
    .output(paymentOutput)
    .query(async ({ ctx, input }) => {
      const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
      return presentPayment(unwrap(await getPayment(ctx.db, query)));
    }),
});
