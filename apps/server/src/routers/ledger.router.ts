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
        description:
          'The payment of one of your orders (any order, for an admin) with its attempts, and ' +
          'the journal entries that moved its money, each with its postings and chain hash.',
        errorResponses: { 404: 'No such order of yours (`ORDER.NOT_FOUND`).' },
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
        description:
          "Checks the ledger's invariants: every entry balanced and the books summing to zero, " +
          'exactly one capture of the right amount per successful payment and none without ' +
          'one, every hash chain intact. Answers `ok` with what was checked, and each problem.',
        errorResponses: { 403: 'Needs the ADMIN role (`AUTH.FORBIDDEN`).' },
      },
    })
    .output(ledgerReportOutput)
    .query(async ({ ctx }) => presentLedgerReport(await verifyStoredLedger(ctx.db))),
});
