import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { deleteCredentials } from '../credentials.js';

/** `ordersctl logout`: forgets the saved token. Safe to repeat. */
export function logoutCommand(context: ContextFactory) {
  return new Command('logout')
    .description('forget the saved login (idempotent)')
    .addHelpText('after', '\nExample:\n  $ ordersctl logout')
    .action(async () => {
      const ctx = await context();
      const removed = await deleteCredentials(ctx.credentialsFile);
      ctx.out.result({ loggedOut: true, removed }, (r) => [
        r.removed
          ? `Logged out (removed ${ctx.credentialsFile})`
          : 'Already logged out (no saved login)',
      ]);
      if (ctx.env.token !== undefined)
        ctx.out.note('note: ORDERSCTL_TOKEN is still set and still logs you in');
    });
}
