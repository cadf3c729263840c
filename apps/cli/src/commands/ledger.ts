import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { ExitCode, ExitError } from '../errors.js';
import { plural } from '../views/labels.js';
import { ledgerReportView } from '../views/ledger-report-view.js';
import { orderLedgerView } from '../views/ledger-view.js';

/** `ordersctl ledger <orderId>` and `ordersctl ledger verify` (admin). */
export function ledgerCommand(context: ContextFactory) {
  return new Command('ledger')
    .description("an order's payment attempts and journal entries; `ledger verify` checks it all")
    .argument('<orderId>', 'the order whose ledger to show')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl ledger 0b6f…
  $ ordersctl ledger 0b6f… --json | jq '.entries[].postings'
  $ ordersctl ledger verify                                    # admin`,
    )
    .action(async (orderId) => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const ledger = await client.ledger.forOrder.query({ orderId: orderId.trim() });
      ctx.out.result(ledger, (l, style) => orderLedgerView(l, style));
    })
    .addCommand(verifyCommand(context));
}

function verifyCommand(context: ContextFactory) {
  return new Command('verify')
    .description('check the whole ledger: balances, captures, hash chains (admin)')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl ledger verify
  $ ordersctl ledger verify --json | jq .ok

Exits 1 when any invariant is broken, listing every problem found.`,
    )
    .action(async () => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const report = await client.ledger.verify.query();
      ctx.out.result(report, (r, style) => ledgerReportView(r, style));
      if (!report.ok) {
        throw new ExitError(
          ExitCode.unexpected,
          `the ledger is broken: ${plural(report.problems.length, 'problem')} found`,
        );
      }
    });
}
