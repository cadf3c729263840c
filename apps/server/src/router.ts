import { authRouter } from './routers/auth.router.js';
import { eventsRouter } from './routers/events.router.js';
import { inventoryRouter } from './routers/inventory.router.js';
import { ordersRouter } from './routers/orders.router.js';
import { productsRouter } from './routers/products.router.js';
import { ledgerRouter } from './routers/ledger.router.js';
import { paymentsRouter } from './routers/payments.router.js';
import { refundsRouter } from './routers/refunds.router.js';
import { router } from './trpc/init.js';
import { webhooksRouter } from './routers/webhooks.router.js';

/** Every procedure the server offers. Clients import only its type. */
export const appRouter = router({
  auth: authRouter,
  products: productsRouter,
  inventory: inventoryRouter,
  orders: ordersRouter,
  payments: paymentsRouter,
  refunds: refundsRouter,
  ledger: ledgerRouter,
  events: eventsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
