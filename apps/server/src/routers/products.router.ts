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
      openapi: {
        method: 'GET',
        path: '/api/products',
        tags,
        protect: false,
        summary: 'Catalogue',
        description:
          'Every product with its price and stock: `onHand`, `reserved` (held by PENDING ' +
          'orders) and `available` (what an order can still take).',
      },
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
        description: 'One product by SKU, in any case (SKUs are stored upper-case).',
        errorResponses: { 404: 'No such product (`INVENTORY.PRODUCT_NOT_FOUND`).' },
      },
    })
    .input(z.object({ sku }))
    .output(productOutput)
    .query(async ({ ctx, input }) => presentProduct(unwrap(await getProduct(ctx, input.sku)))),
});
