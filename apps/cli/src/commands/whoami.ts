import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { formatFields } from '../output.js';

/** `ordersctl whoami`: asks the server who the token belongs to (so it also proves the token works). */
export function whoamiCommand(context: ContextFactory) {
  return new Command('whoami')
    .description('show the logged-in user, as the server sees it')
    .addHelpText(
      'after',
      '\nExamples:\n  $ ordersctl whoami\n  $ ordersctl whoami --json | jq -r .role',
    )
    .action(async () => {
      const ctx = await context();
      const client = await ctx.authedClient();
      const user = await client.auth.me.query();
      ctx.out.result(user, (u, style) =>
        formatFields(
          [
            ['email', u.email],
            ['name', u.name === '' ? style.dim('(none)') : u.name],
            ['role', u.role],
            ['id', u.id],
          ],
          style,
        ),
      );
    });
}
