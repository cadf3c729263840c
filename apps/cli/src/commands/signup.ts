import { Command } from '@commander-js/extra-typings';
import type { ContextFactory } from '../context.js';
import { formatFields } from '../output.js';
import { emailFrom, nameFrom, passwordFrom } from '../prompts.js';

/** `ordersctl signup`: creates a CUSTOMER account. It does not log in; `login` does that. */
export function signupCommand(context: ContextFactory) {
  return new Command('signup')
    .description('create an account (then run `ordersctl login`)')
    .option('--email <email>', 'the account email (asked for when missing on a terminal)')
    .option('--name <name>', 'your name (optional)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl signup                                  # asks for everything
  $ printf '%s\\n' "$PW" | ordersctl signup --email ann@example.com --name Ann --password-stdin
  $ ordersctl signup --email ann@example.com --password-stdin --json < pw.txt`,
    )
    .action(async (flags) => {
      const ctx = await context();
      const email = await emailFrom(flags.email, ctx.asker);
      const name = await nameFrom(flags.name, ctx.asker);
      const password = await passwordFrom(flags.passwordStdin === true, ctx.asker, {
        confirm: true,
      });
      const client = await ctx.publicClient();
      const user = await client.auth.signup.mutate({
        email,
        password,
        ...(name === undefined ? {} : { name }),
      });
      ctx.out.result(user, (u, style) => [
        `Created account ${style.bold(u.email)} (${u.role})`,
        ...formatFields(
          [['id', u.id], ...(u.name === '' ? [] : [['name', u.name] as const])],
          style,
        ),
        'Now run `ordersctl login` to sign in.',
      ]);
    });
}
