import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { adminProcedure, authedProcedure, router } from '../trpc/init.js';
import { ledgerForOrder } from '../use-cases/ledger-for-order.js';
import { verifyStoredLedger } from '../use-cases/verify-ledger.js';
import { presentLedgerReport, presentOrderLedger } from './payment-presenters.js';
import { ledgerReportOutput, orderLedgerOutput } from './payment-schemas.js';

const tags = ['ledger'];

export const ledgerRouter = router({
  forOrder: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/orders/{orderId}/ledger',
        tags,
        summary: "An order's payment attempts and journal entries (owner or admin)",
      },
    })
    .input(z.object({ orderId: z.uuid() }))
    .output(orderLedgerOutput)
    .query(async ({ ctx, input }) => {
      const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
      return presentOrderLedger(unwrap(await ledgerForOrder(ctx.db, query)));
    }),

  verify: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/ledger/verify',
        tags,
        summary: "Check the ledger's invariants (admin)",
      },
    })
    .output(ledgerReportOutput)
    .query(async ({ ctx }) => presentLedgerReport(await verifyStoredLedger(ctx.db))),
});
