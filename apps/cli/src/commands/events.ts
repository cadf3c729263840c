import { Command } from '@commander-js/extra-typings';
import type { EventType } from '@orders/core';
import type { ApiClient, EventEnvelope } from '../api-client.js';
import type { CliContext, ContextFactory } from '../context.js';
import { ExitCode, ExitError, exitErrorFrom } from '../errors.js';
import { followEvents, type FollowObserver, type FollowStatus } from '../event-follow.js';
import { abortOnInterrupt } from '../interrupt.js';
import { collectEventType, parseEventCursor, wholeNumber } from '../option-parsers.js';
import { eventLine, eventTable } from '../views/event-view.js';

/** Events per page without `--follow` unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 50;
/** The server's largest page (`EVENT_PAGE_LIMIT`). */
const MAX_LIMIT = 500;
/** The wait before a live stream the server ended is opened again (the EventSource's own). */
export const RESUBSCRIBE_MS = 3_000;

/** Exit codes of errors that no reconnection mends: the tail stops with them. */
export const FATAL_EXITS: readonly ExitCode[] = [
  ExitCode.usage,
  ExitCode.notLoggedIn,
  ExitCode.notFoundOrForbidden,
];

interface EventsFlags {
  readonly type?: EventType[] | undefined;
  readonly after?: string | undefined;
  readonly limit?: number | undefined;
  readonly follow?: true | undefined;
}

/** `ordersctl events`: the outbox, a page at a time or live (`--follow`). */
export function eventsCommand(context: ContextFactory) {
  return new Command('events')
    .description('what happened to orders, payments, refunds and products, paged or live')
    .option(
      '--type <type>',
      'only events of this type, e.g. order.confirmed; repeat (or separate by commas) for more',
      collectEventType,
    )
    .option(
      '--after <cursor>',
      'only events after this cursor (the CURSOR of an event)',
      parseEventCursor,
    )
    .option(
      '--limit <n>',
      `at most this many (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT})`,
      wholeNumber(1, MAX_LIMIT),
    )
    .option('--follow', 'keep going: print each event as it happens, until Ctrl-C')
    .addHelpText(
      'after',
      `
Examples:
  $ ordersctl events                                   # the oldest kept, a page at a time
  $ ordersctl events --type order.confirmed --type order.cancelled
  $ ordersctl events --follow                          # live from now on; Ctrl-C stops
  $ ordersctl events --follow --after 7519-42          # what came after 7519-42, then live
  $ ordersctl events --follow --json | jq -c 'select(.type == "payment.failed")'

An admin sees every event; a customer only those of their own orders, payments and refunds.
--json prints the server's page as it is ({ items, cursor, hasMore }), or with --follow one
envelope per line. --follow survives a server restart or a dropped connection: it reconnects
and resumes after the last event received (or --after), so none is missed or shown twice.
Ctrl-C ends it (exit 0) and says where it stopped, for --after.`,
    )
    .action(async (flags) => {
      const ctx = await context();
      if (flags.follow === true) {
        if (flags.limit !== undefined) {
          throw new ExitError(
            ExitCode.usage,
            '--limit pages `ordersctl events`; --follow has no pages — drop one of them',
          );
        }
        await follow(ctx, flags);
      } else {
        await listPage(ctx, flags);
      }
    });
}

/** One page, oldest first, and the command for the next one when it was full. */
async function listPage(ctx: CliContext, flags: EventsFlags): Promise<void> {
  const client = await ctx.authedClient();
  const limit = flags.limit ?? DEFAULT_LIMIT;
  const page = await client.events.list.query({
    limit,
    ...(flags.after === undefined ? {} : { after: flags.after }),
    ...(flags.type === undefined ? {} : { types: flags.type }),
  });
  ctx.out.result(page, (p, style) => {
    if (p.items.length === 0) return [emptyPage(flags)];
    const more =
      p.hasMore && p.cursor !== null ? ['', `More: ${nextPageCommand(flags, p.cursor)}`] : [];
    return [...eventTable(p.items, style), ...more];
  });
}

/** Why the page is empty, in the terms of what was asked. */
function emptyPage(flags: EventsFlags): string {
  const types = flags.type === undefined ? '' : ` ${flags.type.join(' or ')}`;
  if (flags.after !== undefined) return `No${types} events after ${flags.after}.`;
  return `No${types} events yet.`;
}

/** The filter as flags, to carry over to the next command. */
function typeFlags(flags: EventsFlags): string[] {
  return (flags.type ?? []).flatMap((type) => ['--type', type]);
}

/**
 * The command for the next page. The cursor says only where the page ended, not what was asked
 * for, so the type filter and the page size go with it.
 */
function nextPageCommand(flags: EventsFlags, cursor: string): string {
  const limit = flags.limit === undefined ? [] : ['--limit', String(flags.limit)];
  return ['ordersctl events', ...typeFlags(flags), ...limit, '--after', cursor].join(' ');
}

/**
 * The live tail: each event on its own line as it commits (NDJSON with `--json`); connection
 * news on stderr. A first request proves the server reachable (exit 5), the login good (exit 3)
 * and the cursor known before the stream opens; from then on a lost connection is retried for as
 * long as it takes.
 */
async function follow(ctx: CliContext, flags: EventsFlags): Promise<void> {
  const client = await ctx.authedClient();
  const types = flags.type;
  // From now on: the server's cursor of now, so that a connection lost before the first event
  // still resumes where it began. After --after: one page read proves the cursor good first.
  if (flags.after !== undefined) {
    await client.events.list.query({ limit: 1, after: flags.after, ...(types && { types }) });
  }
  const start = flags.after ?? (await client.events.cursor.query()).cursor;
  const fromNow = flags.after === undefined;
  const say = (line: string) => ctx.io.stderr.write(`${line}\n`);
  const interrupt = abortOnInterrupt();
  try {
    const last = await followEvents<EventEnvelope>({
      subscribe: subscriber(client, types),
      after: start,
      signal: interrupt.signal,
      onEvent: (event) => {
        ctx.io.stdout.write(
          `${ctx.json ? JSON.stringify(event) : eventLine(event, ctx.out.style)}\n`,
        );
      },
      onStatus: (status) => {
        say(statusLine(status, types, fromNow));
      },
      isFatal: (error) => FATAL_EXITS.includes(exitErrorFrom(error, ctx.server).code),
      retryMs: RESUBSCRIBE_MS,
    });
    say(
      last === undefined
        ? 'stopped'
        : `stopped after ${last} — to go on from there: ${['ordersctl events --follow', ...typeFlags(flags), '--after', last].join(' ')}`,
    );
  } finally {
    interrupt.dispose();
  }
}

/** `events.subscribe` from a cursor, with the type filter. */
export function subscriber(client: ApiClient, types: readonly EventType[] | undefined) {
  return (from: string | undefined, observer: FollowObserver<EventEnvelope>) =>
    client.events.subscribe.subscribe(
      {
        ...(from === undefined ? {} : { lastEventId: from }),
        ...(types === undefined ? {} : { types: [...types] }),
      },
      observer,
    );
}

/** Connection news for stderr. */
export function statusLine(
  status: FollowStatus,
  types: readonly EventType[] | undefined,
  fromNow: boolean,
): string {
  switch (status.kind) {
    case 'connected': {
      const which = types === undefined ? 'events' : `${types.join(', ')} events`;
      const from = fromNow || status.after === undefined ? 'from now on' : `after ${status.after}`;
      return `following ${which} ${from} — Ctrl-C to stop`;
    }
    case 'lost':
      return `connection lost (${status.reason}) — reconnecting…`;
    case 'reconnected':
      // Nothing had arrived to resume after: the stream starts from now again.
      return status.after === undefined
        ? 'reconnected — events from while the connection was down may be missing (none had arrived yet to resume after)'
        : `reconnected — resuming after ${status.after}`;
  }
}
