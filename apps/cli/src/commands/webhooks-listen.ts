import { Command } from '@commander-js/extra-typings';
import type { EventType } from '@orders/core';
import type { ChalkInstance } from 'chalk';
import type { EventEnvelope } from '../api-client.js';
import type { CliContext, ContextFactory } from '../context.js';
import { ExitCode, ExitError, exitErrorFrom } from '../errors.js';
import { followEvents } from '../event-follow.js';
import {
  FORWARD_TIMEOUT_MS,
  forwardEvent,
  newWebhookSecret,
  type ForwardOutcome,
  type Signer,
} from '../forward-event.js';
import { abortOnInterrupt } from '../interrupt.js';
import { collectEventType } from '../option-parsers.js';
import { parseForwardUrl, parseWebhookSecret } from '../webhook-option-parsers.js';
import { readVersion } from '../version.js';
import { formatInstant, plural } from '../views/labels.js';
import { httpStatusText } from '../views/webhook-view.js';
import { FATAL_EXITS, RESUBSCRIBE_MS, statusLine, subscriber } from './events.js';

interface ListenFlags {
  readonly forwardTo: string;
  readonly type?: EventType[] | undefined;
  readonly secret?: string | undefined;
}

/** One forward as `--json` prints it, a line each. */
interface ForwardResult extends ForwardOutcome {
  readonly at: string;
  readonly eventId: string;
  readonly type: string;
  readonly cursor: string;
  readonly url: string;
}

/**
 * `ordersctl webhooks listen --forward-to URL` (admin): what `stripe listen` is to Stripe's users.
 * The live tail of `events --follow` (it resumes after a dropped connection, none lost or sent
 * twice), each event POSTed to a receiver under development, signed as the server signs real
 * deliveries, with a line for what the receiver answered.
 */
export function listenCommand(context: ContextFactory) {
  return new Command('listen')
    .description('forward live events, signed, to a receiver under development (admin)')
    .requiredOption(
      '--forward-to <url>',
      'the receiver to POST each event to, e.g. http://localhost:3000/webhooks',
      parseForwardUrl,
    )
    .option(
      '--type <type>',
      'only events of this type, e.g. order.confirmed; repeat (or separate by commas) for more',
      collectEventType,
    )
    .option(
      '--secret <whsec>',
      "sign with this secret (an earlier run's) instead of a new one",
      parseWebhookSecret,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl webhooks listen --forward-to http://localhost:3000/webhooks
  $ ordersctl webhooks listen --forward-to http://localhost:3000/webhooks --type order.confirmed
  $ ordersctl --json webhooks listen --forward-to http://localhost:3000/webhooks | jq -c .

Each event committed from now on is POSTed to the URL as a real delivery is: the envelope as JSON,
with webhook-id (the event id), webhook-timestamp and webhook-signature (Standard Webhooks),
signed with a secret printed at the start — give it to the receiver, which verifies with
new Webhook(secret).verify(rawBody, headers) from the standardwebhooks package. One line per
event shows the receiver's answer and how long it took, or why there was none (connection
refused, no answer within ${FORWARD_TIMEOUT_MS / 1000} s); a failure is shown, not retried, and listening goes on.
Events go one at a time, in order. --json prints one JSON line per forward. Ctrl-C ends it (exit 0).`,
    )
    .action(async (flags) => {
      await listen(await context(), flags);
    });
}

async function listen(ctx: CliContext, flags: ListenFlags): Promise<void> {
  const client = await ctx.authedClient();
  // The server lets anyone follow their own events; forwarding all of them is for admins.
  const me = await client.auth.me.query();
  if (me.role !== 'ADMIN') {
    throw new ExitError(
      ExitCode.notFoundOrForbidden,
      'forbidden — `webhooks listen` needs an admin account',
    );
  }
  const start = (await client.events.cursor.query()).cursor;
  const secret = flags.secret ?? newWebhookSecret();
  const { Webhook } = await import('standardwebhooks');
  const webhook = new Webhook(secret);
  const sign: Signer = (id, at, body) => webhook.sign(id, at, body);
  const say = (line: string) => ctx.io.stderr.write(`${line}\n`);
  const userAgent = `ordersctl/${readVersion()} (webhooks listen)`;
  say(`forwarding to ${flags.forwardTo}, each event signed (Standard Webhooks) with`);
  say(`  ${secret}`);
  say(
    flags.secret === undefined
      ? '  a secret for this run: give it to the receiver (or pass it back with --secret next time), which verifies with new Webhook(secret).verify(rawBody, headers) — npm standardwebhooks'
      : '  the secret given: the receiver verifies with new Webhook(secret).verify(rawBody, headers) — npm standardwebhooks',
  );

  const interrupt = abortOnInterrupt();
  const tally = { sent: 0, delivered: 0 };
  // One at a time, in the order the events came: the receiver sees them as they happened.
  let queue = Promise.resolve();
  // A function, not the property: the compiler would take it as still false after an await.
  const stopped = () => interrupt.signal.aborted;
  const forward = async (event: EventEnvelope) => {
    if (stopped()) return;
    const outcome = await forwardEvent({
      url: flags.forwardTo,
      messageId: event.id,
      body: JSON.stringify(event),
      sign,
      userAgent,
      timeoutMs: FORWARD_TIMEOUT_MS,
      signal: interrupt.signal,
    });
    // Cut short by Ctrl-C: the receiver's answer never came, and nothing is to be said of it.
    if (stopped() && outcome.statusCode === null) return;
    tally.sent += 1;
    if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) {
      tally.delivered += 1;
    }
    const result: ForwardResult = {
      at: new Date().toISOString(),
      eventId: event.id,
      type: event.type,
      cursor: event.cursor,
      url: flags.forwardTo,
      ...outcome,
    };
    ctx.io.stdout.write(
      `${ctx.json ? JSON.stringify(result) : forwardLine(result, ctx.out.style)}\n`,
    );
  };
  try {
    await followEvents<EventEnvelope>({
      subscribe: subscriber(client, flags.type),
      after: start,
      signal: interrupt.signal,
      onEvent: (event) => {
        queue = queue.then(() => forward(event));
      },
      onStatus: (status) => {
        say(statusLine(status, flags.type, true));
      },
      isFatal: (error) => FATAL_EXITS.includes(exitErrorFrom(error, ctx.server).code),
      retryMs: RESUBSCRIBE_MS,
    });
    await queue;
    say(
      `stopped — ${plural(tally.sent, 'event')} forwarded, ${tally.delivered} answered with a 2xx`,
    );
  } finally {
    interrupt.dispose();
  }
}

/** The longest event type (`order.partially_refunded`). */
const TYPE_WIDTH = 24;

/** `01:02:03Z  order.created  evt_…  → 200 OK (12 ms)`, or the reason no answer came. */
export function forwardLine(result: ForwardResult, style: ChalkInstance): string {
  const answer =
    result.statusCode === null
      ? style.red(result.error ?? 'no answer')
      : httpStatusText(result.statusCode, style);
  return [
    formatInstant(result.at),
    result.type.padEnd(TYPE_WIDTH),
    result.eventId,
    `→ ${answer} ${style.dim(`(${result.latencyMs} ms)`)}`,
  ].join('  ');
}
