import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { saveCredentials } from '../credentials.js';
import { emailFrom, passwordFrom } from '../prompts.js';

/** `ordersctl login`: exchanges email and password for a token and saves it (0600). */
export function loginCommand(context: ContextFactory) {
  return new Command('login')
    .description('log in and save the token for later commands')
    .option('--email <email>', 'the account email (asked for when missing on a terminal)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl login                                   # asks for email and password
  $ printf '%s\\n' "$PW" | ordersctl login --email ann@example.com --password-stdin
  $ ordersctl --server https://orders.example.com login --email ann@example.com

The token is saved to $XDG_CONFIG_HOME/ordersctl/credentials.json (mode 0600) and is sent only
to the server that issued it. ORDERSCTL_TOKEN, when set, is used instead.`,
    )
    .action(async (flags) => {
      const ctx = await context();
      const email = await emailFrom(flags.email, ctx.asker);
      const password = await passwordFrom(flags.passwordStdin === true, ctx.asker, {
        confirm: false,
      });
      const client = await ctx.publicClient();
      const session = await client.auth.login.mutate({ email, password });
      const { user } = session;
      await saveCredentials(ctx.credentialsFile, {
        server: ctx.server,
        accessToken: session.accessToken,
        expiresAt: session.expiresAt,
        user: { id: user.id, email: user.email, role: user.role },
      });
      // The token goes to the 0600 file only, never to stdout, where logs and CI output keep it.
      const { accessToken: _secret, ...shown } = session;
      ctx.out.result(shown, (s, style) => [
        `Logged in as ${style.bold(s.user.email)} (${s.user.role})`,
      ]);
      if (ctx.env.token !== undefined)
        ctx.out.note('note: ORDERSCTL_TOKEN is set and is used instead of this login');
    });
}
