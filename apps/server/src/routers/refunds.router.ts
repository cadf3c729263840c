import { IDEMPOTENCY_KEY_MAX_LENGTH, ORDER_LIMITS, REFUND_REASONS, asSku } from '@orders/core';
import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, router } from '../trpc/init.js';
import { listRefunds } from '../use-cases/list-refunds.js';
import { refundOrder } from '../use-cases/refund-order.js';
import { adminWithIdempotencyHeader } from './idempotency-header.js';
import { sku, text } from './input-fields.js';
import { presentRefund } from './refund-presenters.js';
import { refundListOutput, refundOutput } from './refund-schemas.js';

const idempotencyKey = text().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH);

const createInput = z
  .object({
    orderId: z.uuid(),
    amountCents: z
      .number()
      .int()
      .min(1)
      .max(100_000_000_000)
      .optional()
      .meta({ description: 'What to give back, in cents; omitted: all that is still refundable' }),
    reason: z.enum(REFUND_REASONS),
    note: text().trim().max(500).optional(),
    restock: z
      .array(
        z.object({
          sku,
          quantity: z.number().int().min(ORDER_LIMITS.minQuantity).max(ORDER_LIMITS.maxQuantity),
        }),
      )
      .max(ORDER_LIMITS.maxLines)
      .optional()
      .meta({
        description:
          'Units to put back on the shelf when the refund succeeds: at most what the order ' +
          'bought less what earlier refunds restock',
      }),
    idempotencyKey: idempotencyKey.meta({
      description:
        "The refund's idempotency key (per admin, 1–255 characters), as an alternative to the " +
        '`Idempotency-Key` header: one of the two is required (400 without either).',
    }),
  })
  .meta({
    examples: [
      {
        orderId: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
        amountCents: 1250,
        reason: 'requested_by_customer',
        note: 'one mug came broken',
        restock: [{ sku: 'MUG-01', quantity: 1 }],
        idempotencyKey: 'refund-7f1c2d3e-1',
      },
    ],
  });

const refundHeaders = z.object({
  'Idempotency-Key': idempotencyKey.optional().meta({
    param: {
      description:
        "The refund's idempotency key. Required in one of two places: this header (preferred) " +
        'or `idempotencyKey` in the body; both, if sent, must be equal.',
    },
  }),
});

const tags = ['refunds'];
const PATH = '/api/payment-processor/{orderId}/refunds';

/** Refunds of paid orders (DESIGN §2 Refunds): admins refund, owners and admins read. */
export const refundsRouter = router({
  create: adminWithIdempotencyHeader
    .meta({
      openapi: {
        method: 'POST',
        path: PATH,
        tags,
        summary: "Refund (part of) an order's payment (admin)",
        description:
          "Gives back all or part of a SUCCESS payment's capture: never more than the capture " +
          'less every refund not FAILED, even when several refunds run at once. The refund is ' +
          'driven against the gateway like a payment (attempts, retries with backoff); the call ' +
          'waits for its outcome and answers with the refund (poll the list while it is ' +
          'PROCESSING or RETRY). A refund the gateway refuses is a 200 with status FAILED, and ' +
          'its amount is refundable again. On success the order moves to PARTIALLY_REFUNDED or ' +
          'REFUNDED and the `restock` units go back on the shelf.',
        errorResponses: {
          400: 'An invalid amount (`REFUND.INVALID_AMOUNT`), or no idempotency key.',
          403: 'Needs the ADMIN role (`AUTH.FORBIDDEN`).',
          404: 'No such order (`ORDER.NOT_FOUND`).',
          409:
            'Nothing was paid to refund: the order was never paid, failed or was cancelled ' +
            '(`REFUND.NOT_REFUNDABLE`), or the same key still running (`IDEMPOTENCY.IN_PROGRESS`).',
          422:
            'More than is still refundable (`REFUND.AMOUNT_EXCEEDS_REFUNDABLE`, with ' +
            '`refundableCents`: 0 once the order is REFUNDED), a restock beyond what was bought ' +
            '(`REFUND.INVALID_RESTOCK`), or the key was used for another request ' +
            '(`IDEMPOTENCY.KEY_REUSED`).',
        },
        requestHeaders: refundHeaders,
      },
    })
    .input(createInput)
    .output(refundOutput)
    .mutation(async ({ ctx, input }) => {
      const { services } = ctx;
      const deps = {
        db: ctx.db,
        engine: services.payments.engine,
        settings: services.payments.settings,
        now: services.now,
        metrics: services.metrics.domain,
      };
      const { orderId, idempotencyKey: key, restock, ...request } = input;
      const refunded = await refundOrder(deps, {
        adminId: ctx.user.userId,
        orderId,
        idempotencyKey: key,
        request: { ...request, restock: restock?.map((r) => ({ ...r, sku: asSku(r.sku) })) },
      });
      return presentRefund(unwrap(refunded));
    }),

  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: PATH,
        tags,
        summary: "An order's refunds (owner or admin)",
        description:
          'Every refund of one of your orders (any order, for an admin), oldest first, with its ' +
          'attempts.',
        errorResponses: { 404: 'No such order of yours (`ORDER.NOT_FOUND`).' },
      },
    })
    .input(z.object({ orderId: z.uuid() }))
    .output(refundListOutput)
    .query(async ({ ctx, input }) => {
      const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
      return unwrap(await listRefunds(ctx.db, query)).map(presentRefund);
    }),
});
