import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { eventsCommand } from './commands/events.js';
import { inventoryCommand } from './commands/inventory.js';
import { ledgerCommand } from './commands/ledger.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { orderCommand } from './commands/order.js';
import { payCommand } from './commands/pay.js';
import { productsCommand } from './commands/products.js';
import { refundCommand } from './commands/refund.js';
import { signupCommand } from './commands/signup.js';
import { webhooksCommand } from './commands/webhooks.js';
import { whoamiCommand } from './commands/whoami.js';
import { createContext, type CliContext } from './context.js';
import { DEFAULT_SERVER, type CliEnv } from './env.js';
import type { CliIo } from './output.js';

const EXAMPLES = `
Examples:
  $ ordersctl signup --email ann@example.com         # then:
  $ ordersctl login --email ann@example.com
  $ ordersctl products
  $ ordersctl order create --item KEYBOARD-01=1 --item MOUSE-01=2
  $ ordersctl pay <orderId>                           # asks for the card on a terminal
  $ ordersctl ledger <orderId>
  $ ordersctl refund <orderId> --amount 1250 --reason requested_by_customer   # admin
  $ ordersctl events --follow                         # live: what happens, as it happens
  $ ordersctl webhooks listen --forward-to http://localhost:3000/webhooks   # admin
  $ ordersctl --server http://orders.internal:4000 order list --json

Exit codes: 0 ok, 1 unexpected, 2 usage or invalid input, 3 not logged in or token expired,
4 payment or refund not successful, 5 server unreachable, 6 not found or forbidden.`;

/**
 * The whole command tree for one run. Output goes to `io`, never straight to `process`, and
 * commander throws instead of exiting (`exitOverride`), so `main.ts` decides every exit code.
 */
export function createProgram(io: CliIo, env: CliEnv, version: string) {
  const program = new Command('ordersctl')
    .description('Drive the orders API: accounts, orders, payments and refunds.')
    .version(version, '-V, --version', 'print the version')
    .option('--server <url>', 'API server (env ORDERSCTL_SERVER)', env.server ?? DEFAULT_SERVER)
    .option('--json', 'machine output: the API data as one JSON document; no colour, no prompts')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--verbose', 'more detail on errors (to stderr)')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // main.ts prints the error line itself, the same way for every error.
      outputError: () => undefined,
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => 80,
    });

  let context: Promise<CliContext> | undefined;
  const contextFactory = () => (context ??= createContext(program.opts(), io, env, version));

  program
    .addCommand(signupCommand(contextFactory))
    .addCommand(loginCommand(contextFactory))
    .addCommand(logoutCommand(contextFactory))
    .addCommand(whoamiCommand(contextFactory))
    .addCommand(productsCommand(contextFactory))
    .addCommand(inventoryCommand(contextFactory))
    .addCommand(orderCommand(contextFactory))
    .addCommand(payCommand(contextFactory))
    .addCommand(ledgerCommand(contextFactory))
    .addCommand(refundCommand(contextFactory))
    .addCommand(eventsCommand(contextFactory))
    .addCommand(webhooksCommand(contextFactory));
  inheritSettings(program);
  return program;
}

/**
 * `addCommand` (unlike `.command()`) does not pass on exitOverride and output settings, and no
 * setting passes on "no `help` subcommand", so each group would grow one.
 */
function inheritSettings(parent: CommandUnknownOpts): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    child.helpCommand(false);
    inheritSettings(child);
  }
}
