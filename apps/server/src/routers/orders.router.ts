import { IDEMPOTENCY_KEY_MAX_LENGTH, ORDER_LIMITS, ORDER_STATUSES } from '@orders/core';
import { isOrderCursor } from '@orders/db';
import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, router } from '../trpc/init.js';
import { cancelOrder } from '../use-cases/cancel-order.js';
import { getOrder } from '../use-cases/get-order.js';
import { listOrders } from '../use-cases/list-orders.js';
import { placeOrderForUser } from '../use-cases/place-order.js';
import { id, sku, text } from './input-fields.js';
import { orderOutput, orderPageOutput } from './output-schemas.js';
import { presentOrder, presentOrderPage } from './presenters.js';

// Unknown keys are stripped: a `priceCents` on an item or a `total` on the order never reaches
// the use case, which prices from the catalogue.
const item = z.object({
  sku,
  quantity: z.number().int().min(ORDER_LIMITS.minQuantity).max(ORDER_LIMITS.maxQuantity),
});
const createInput = z
  .object({
    items: z.array(item).min(ORDER_LIMITS.minLines).max(ORDER_LIMITS.maxLines),
    idempotencyKey: text().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH).optional(),
  })
  .meta({ examples: [{ items: [{ sku: 'MUG-01', quantity: 2 }] }] });
const listInput = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    cursor: text().max(200).refine(isOrderCursor, 'not a cursor from a previous page').optional(),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .prefault({});

const tags = ['orders'];
const route = (method: 'GET' | 'POST', path: `/${string}`, summary: string) => ({
  openapi: { method, path, tags, summary },
});

/** The caller's orders; another user's order is NOT_FOUND, never FORBIDDEN. */
export const ordersRouter = router({
  create: authedProcedure
    .meta(route('POST', '/api/orders', 'Place an order: prices it and reserves its stock'))
    .input(createInput)
    .output(orderOutput)
    .mutation(async ({ ctx, input }) => {
      const { now, config, catalogue } = ctx.services;
      const deps = { db: ctx.db, now: now(), orderTtlMs: config.orderTtlMs, catalogue };
      return presentOrder(
        unwrap(await placeOrderForUser(deps, { ...input, userId: ctx.user.userId })),
      );
    }),

  get: authedProcedure
    .meta(route('GET', '/api/orders/{id}', 'One of your orders'))
    .input(z.object({ id }))
    .output(orderOutput)
    .query(async ({ ctx, input }) =>
      presentOrder(unwrap(await getOrder(ctx, { userId: ctx.user.userId, orderId: input.id }))),
    ),

  list: authedProcedure
    .meta(route('GET', '/api/orders', 'Your orders, newest first, a page at a time'))
    .input(listInput)
    .output(orderPageOutput)
    .query(async ({ ctx, input }) =>
      presentOrderPage(unwrap(await listOrders(ctx, { ...input, userId: ctx.user.userId }))),
    ),

  cancel: authedProcedure
    .meta(route('POST', '/api/orders/{id}/cancel', 'Cancel a PENDING order, releasing its stock'))
    .input(z.object({ id }))
    .output(orderOutput)
    .mutation(async ({ ctx, input }) => {
      const deps = { db: ctx.db, now: ctx.services.now(), metrics: ctx.services.metrics.domain };
      return presentOrder(
        unwrap(await cancelOrder(deps, { userId: ctx.user.userId, orderId: input.id })),
      );
    }),
});
