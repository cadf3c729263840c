import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { publicProcedure, router } from '../trpc/init.js';
import { getProduct } from '../use-cases/get-product.js';
import { listCatalogue } from '../use-cases/list-products.js';
import { sku } from './input-fields.js';
import { productListOutput, productOutput } from './output-schemas.js';
import { presentProduct } from './presenters.js';

const tags = ['catalogue'];

/** The catalogue, public: prices and available stock. */
export const productsRouter = router({
  list: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/api/products', tags, protect: false, summary: 'Catalogue' },
    })
    .output(productListOutput)
    .query(async ({ ctx }) => unwrap(await listCatalogue(ctx)).map(presentProduct)),

  get: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/products/{sku}',
        tags,
        protect: false,
        summary: 'One product',
      },
    })
    .input(z.object({ sku }))
    .output(productOutput)
    .query(async ({ ctx, input }) => presentProduct(unwrap(await getProduct(ctx, input.sku)))),
});
