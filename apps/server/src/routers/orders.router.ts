import { IDEMPOTENCY_KEY_MAX_LENGTH, ORDER_LIMITS, ORDER_STATUSES } from '@orders/core';
import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, router } from '../trpc/init.js';
import { cancelOrder } from '../use-cases/cancel-order.js';
import { getOrder } from '../use-cases/get-order.js';
import { isOrderCursor, listOrders } from '../use-cases/list-orders.js';
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
const route = (
  method: 'GET' | 'POST',
  path: `/${string}`,
  summary: string,
  more: { description: string; errorResponses?: Record<number, string> },
) => ({ openapi: { method, path, tags, summary, ...more } });
const NOT_FOUND = { 404: 'No such order of yours (`ORDER.NOT_FOUND`).' };

/** The caller's orders; another user's order is NOT_FOUND, never FORBIDDEN. */
export const ordersRouter = router({
  create: authedProcedure
    .meta(
      route('POST', '/api/orders', 'Place an order: prices it and reserves its stock', {
        description:
          'Prices each line from the catalogue (a client never sends a price) and reserves its ' +
          'stock in the same transaction. The order is PENDING until paid; unpaid, it expires ' +
          'and releases its stock. With an `idempotencyKey`, a retry returns the same order.',
        errorResponses: {
          400: 'The same SKU on two lines (`ORDER.DUPLICATE_SKU`).',
          409:
            'Too few in stock (`INVENTORY.INSUFFICIENT_STOCK`), or the same key still running ' +
            '(`IDEMPOTENCY.IN_PROGRESS`).',
          422:
            'An unknown SKU (`ORDER.UNKNOWN_SKU`), a total too large ' +
            '(`ORDER.AMOUNT_TOO_LARGE`), lines in different currencies ' +
            '(`ORDER.CURRENCY_MISMATCH`), or the key used for another request ' +
            '(`IDEMPOTENCY.KEY_REUSED`).',
        },
      }),
    )
    .input(createInput)
    .output(orderOutput)
    .mutation(async ({ ctx, input }) => {
      const { now, config, catalogue } = ctx.services;
      const metrics = ctx.services.metrics.domain;
      const { orderTtlMs } = config;
      const deps = { db: ctx.db, now: now(), orderTtlMs, catalogue, metrics };
      return presentOrder(
        unwrap(await placeOrderForUser(deps, { ...input, userId: ctx.user.userId })),
      );
    }),

  get: authedProcedure
    .meta(
      route('GET', '/api/orders/{id}', 'One of your orders', {
        description:
          "One of your orders with its priced lines. Another user's order is a 404, exactly as " +
          'an id that does not exist.',
        errorResponses: NOT_FOUND,
      }),
    )
    .input(z.object({ id }))
    .output(orderOutput)
    .query(async ({ ctx, input }) =>
      presentOrder(unwrap(await getOrder(ctx, { userId: ctx.user.userId, orderId: input.id }))),
    ),

  list: authedProcedure
    .meta(
      route('GET', '/api/orders', 'Your orders, newest first, a page at a time', {
        description:
          'Your orders, newest first, optionally of one status. Pass `nextCursor` back as ' +
          '`cursor` for the next page; it is null on the last.',
      }),
    )
    .input(listInput)
    .output(orderPageOutput)
    .query(async ({ ctx, input }) =>
      presentOrderPage(unwrap(await listOrders(ctx, { ...input, userId: ctx.user.userId }))),
    ),

  cancel: authedProcedure
    .meta(
      route('POST', '/api/orders/{id}/cancel', 'Cancel a PENDING order, releasing its stock', {
        description: 'Cancels one of your PENDING orders and releases its reserved stock.',
        errorResponses: {
          ...NOT_FOUND,
          409:
            'Not PENDING any more (`ORDER.NOT_PENDING`), already paid ' +
            '(`PAYMENT.ALREADY_PAID`), or a state it cannot leave (`ORDER.INVALID_TRANSITION`).',
        },
      }),
    )
    .input(z.object({ id }))
    .output(orderOutput)
    .mutation(async ({ ctx, input }) => {
      const deps = { db: ctx.db, now: ctx.services.now(), metrics: ctx.services.metrics.domain };
      return presentOrder(
        unwrap(await cancelOrder(deps, { userId: ctx.user.userId, orderId: input.id })),
      );
    }),
});
