import { z } from 'zod';
import { unwrap } from '../trpc/domain-error-map.js';
import { adminProcedure, authedProcedure, router } from '../trpc/init.js';
import { ledgerForOrder } from '../use-cases/ledger-for-order.js';
import { verifyStoredLedger } from '../use-cases/verify-ledger.js';
import { presentLedgerReport, presentOrderLedger } from './payment-presenters.js';

export const ledgerRouter = router({
  forOrder: authedProcedure.input(z.object({ orderId: z.uuid() })).query(async ({ ctx, input }) => {
    const query = { ...input, userId: ctx.user.userId, isAdmin: ctx.user.role === 'ADMIN' };
    return presentOrderLedger(unwrap(await ledgerForOrder(ctx.em, query)));
  }),

  verify: adminProcedure.query(async ({ ctx }) =>
    presentLedgerReport(await verifyStoredLedger(ctx.em)),
  ),
});
