import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { adminProcedure, router } from '../trpc/init.js';
import { adjustInventory } from '../use-cases/adjust-inventory.js';
import { upsertInventory } from '../use-cases/upsert-inventory.js';
import { sku, text } from './input-fields.js';
import { productOutput } from './output-schemas.js';
import { presentProduct } from './presenters.js';

const upsertInput = z
  .object({
    sku,
    name: text().trim().min(1).max(200).optional(),
    priceCents: z.number().int().min(0).max(100_000_000).optional(),
    onHand: z.number().int().min(0).max(1_000_000),
  })
  .meta({ examples: [{ sku: 'MUG-01', name: 'Coffee mug', priceCents: 1250, onHand: 10 }] });

const adjustInput = z
  .object({
    sku,
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((delta) => delta !== 0, 'delta must not be zero'),
    reason: text().trim().min(1).max(200),
  })
  .meta({ examples: [{ delta: 5, reason: 'delivery' }] });

const tags = ['inventory'];

/** Admin stock and price changes (the seed's `POST /api/inventory`). */
export const inventoryRouter = router({
  upsert: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/inventory',
        tags,
        summary: 'Create a product or set its stock (admin)',
        description:
          'Creates a product (`name` and `priceCents` required) or sets the stock on hand of an ' +
          'existing one, never below what is reserved, and its name and price when given. ' +
          'Stock moves are recorded.',
        errorResponses: {
          403: 'Needs the ADMIN role (`AUTH.FORBIDDEN`).',
          404: 'A new SKU without `name` and `priceCents` (`INVENTORY.PRODUCT_NOT_FOUND`).',
          409: 'Below what is reserved (`INVENTORY.BELOW_RESERVED`).',
        },
      },
    })
    .input(upsertInput)
    .output(productOutput)
    .mutation(async ({ ctx, input }) => {
      const deps = { db: ctx.db, now: ctx.services.now(), metrics: ctx.services.metrics.domain };
      return presentProduct(
        unwrap(await upsertInventory(deps, { ...input, actor: `user:${ctx.user.userId}` })),
      );
    }),

  adjust: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/inventory/{sku}/adjustments',
        tags,
        summary: 'Change stock by a delta, never below reserved (admin)',
        description:
          'Adds `delta` (negative to remove) to the stock on hand, recording `reason`; the ' +
          'result may not go below what is reserved.',
        errorResponses: {
          403: 'Needs the ADMIN role (`AUTH.FORBIDDEN`).',
          404: 'No such product (`INVENTORY.PRODUCT_NOT_FOUND`).',
          409: 'Below what is reserved (`INVENTORY.BELOW_RESERVED`).',
        },
      },
    })
    .input(adjustInput)
    .output(productOutput)
    .mutation(async ({ ctx, input }) => {
      const deps = { db: ctx.db, now: ctx.services.now(), metrics: ctx.services.metrics.domain };
      return presentProduct(
        unwrap(await adjustInventory(deps, { ...input, actor: `user:${ctx.user.userId}` })),
      );
    }),
});
