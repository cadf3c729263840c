import { tracked } from '@trpc/server';
import { presentEvent } from '../events/present-event.js';
import { authedProcedure, router, TRPCError } from '../trpc/init.js';
import { getEventCursor } from '../use-cases/get-event-cursor.js';
import { listEventsFor } from '../use-cases/list-events.js';
import {
  eventCursorOutput,
  eventListInput,
  eventPageOutput,
  eventSubscribeInput,
} from './event-schemas.js';

/**
 * The outbox (DESIGN §2 Events), paged or live. An admin reads every event; a customer only
 * those of their own orders, payments and refunds.
 */
export const eventsRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/events',
        tags: ['events'],
        summary: 'Events after a cursor, oldest first, a page at a time',
        description:
          'The outbox in commit order: every state change of an order, payment, refund or ' +
          'product, each once (an admin reads all; a customer only those of their own orders, ' +
          'payments and refunds). To follow it, pass the `cursor` of each answer back as ' +
          '`after`: it is the last event’s cursor, or the `after` sent when nothing new has ' +
          'come, so no event is skipped or repeated. `hasMore` says the page was full: ask ' +
          'again without pausing; otherwise poll. Without `after`, reading starts at the ' +
          'oldest event kept (`EVENT_RETENTION_DAYS`). A cursor this server did not hand out ' +
          'is a 400.',
      },
    })
    .input(eventListInput)
    .output(eventPageOutput)
    .query(async ({ ctx, input }) => {
      const { after, types, limit } = input;
      const page = await listEventsFor(ctx, {
        reader: ctx.user,
        after: after ?? null,
        types,
        limit,
      });
      return { items: page.events.map(presentEvent), cursor: page.cursor, hasMore: page.hasMore };
    }),

  cursor: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/events/cursor',
        tags: ['events'],
        summary: 'The cursor of now: where to start following the events',
        description:
          'Every event committed from now on comes after this cursor, and nothing before it ' +
          'does. Pass it as `after` to `GET /api/events`, or as `lastEventId` to ' +
          '`events.subscribe`, to follow from now on without missing an event even if the ' +
          'first connection drops before any event arrives.',
      },
    })
    .output(eventCursorOutput)
    .query(async ({ ctx }) => ({ cursor: await getEventCursor(ctx) })),

  /**
   * Server-sent events, each with its cursor as its id: a client that reconnects (EventSource
   * sends `Last-Event-ID`; tRPC's client passes it as `lastEventId`) resumes after its last
   * event. Without `lastEventId`, only events committed from now on. A browser's EventSource
   * cannot send headers: it may pass its token as `connectionParams: { token }`.
   */
  subscribe: authedProcedure
    .input(eventSubscribeInput)
    .subscription(async ({ ctx, input, signal }) => {
      if (ctx.services.eventStreams.closed()) {
        // Shutting down: the client retries, and finds another instance or this one restarted.
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the server is stopping' });
      }
      const events = await ctx.services.eventStreams.follow({
        reader: ctx.user,
        after: input.lastEventId ?? null,
        types: input.types,
        signal,
      });
      return (async function* () {
        for await (const event of events) yield tracked(event.cursor, presentEvent(event));
      })();
    }),
});
