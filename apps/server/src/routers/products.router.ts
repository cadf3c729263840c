import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { publicProcedure, router } from '../trpc/init.js';
import { getProduct } from '../use-cases/get-product.js';
import { listCatalogue } from '../use-cases/list-products.js';
import { sku } from './input-fields.js';
import { presentProduct } from './presenters.js';

/** The catalogue, public: prices and available stock. */
export const productsRouter = router({
  list: publicProcedure.query(async ({ ctx }) =>
    unwrap(await listCatalogue(ctx)).map(presentProduct),
  ),

  get: publicProcedure
    .input(z.object({ sku }))
    .query(async ({ ctx, input }) => presentProduct(unwrap(await getProduct(ctx, input.sku)))),
});
