import type { Ctl } from './ctl.js';
import { expectExit } from './ctl.js';
import { expectThat, step } from './transcript.js';

/** An event as `ordersctl --json events` prints it (DESIGN §2 Events: Stripe's envelope). */
interface EventEnvelope {
  readonly type: string;
  readonly cursor: string;
  readonly aggregate: { readonly type: string; readonly id: string; readonly version: number };
  readonly data: { readonly object: { readonly orderId?: string; readonly id: string } };
}

/** Where an event's order is: the order's own id, or the order its payment or refund is for. */
const orderOf = (event: EventEnvelope) =>
  event.aggregate.type === 'order' ? event.aggregate.id : event.data.object.orderId;

export const REFUND_STORY = [
  'refund.created',
  'refund.succeeded',
  'order.partially_refunded',
  'refund.created',
  'refund.succeeded',
  'order.refunded',
];

/** The admin starts a live tail of the events, as a shipping or accounting service would. */
export async function startFollowing(admin: Ctl): Promise<{ stop(): Promise<void> }> {
  const tail = admin.start(['--json', 'events', '--follow'], {
    note: '# started before the refunds, stopped with Ctrl-C after them',
    readyWhen: 'following events',
  });
  await tail.ready;
  return {
    async stop() {
      step('The events the admin followed live while refunding: one JSON envelope per line');
      const result = await tail.stop();
      expectExit(result, 0, 'Ctrl-C ends a live tail');
      const seen = result.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as EventEnvelope);
      expectThat(
        seen.map((e) => e.type).join(',') === REFUND_STORY.join(','),
        'every event of the two refunds, once, in order: refund.created, refund.succeeded, order.partially_refunded, then again to order.refunded',
        () => seen.map((e) => e.type).join(', '),
      );
      const cursors = seen.map((e) => e.cursor);
      expectThat(new Set(cursors).size === cursors.length, 'no event delivered twice');
    },
  };
}

/** The customer reads their order's whole history from the outbox. */
export async function showHistory(customer: Ctl, orderId: string): Promise<void> {
  step("The customer reads the outbox: the flaky card's order, from creation to its refunds");
  const types = [
    'order.created',
    'order.confirmed',
    'order.partially_refunded',
    'order.refunded',
    'payment.attempt_failed',
    'payment.succeeded',
    'refund.succeeded',
  ];
  const shown = await customer.run(['events', '--type', types.join(','), '--limit', '500']);
  expectExit(shown, 0, 'listed');
  const page = await customer.json<{ items: EventEnvelope[] }>([
    'events',
    '--type',
    types.join(','),
    '--limit',
    '500',
  ]);
  const history = page.items.filter((e) => orderOf(e) === orderId).map((e) => e.type);
  expectThat(
    history.join(',') ===
      [
        'order.created',
        'payment.attempt_failed',
        'payment.attempt_failed',
        'payment.succeeded',
        'order.confirmed',
        'refund.succeeded',
        'order.partially_refunded',
        'refund.succeeded',
        'order.refunded',
      ].join(','),
    'its history in order: created, two timeouts, paid, confirmed, refunded in part, then in full',
    () => history.join(', '),
  );
  expectThat(
    page.items.every((e) => e.type !== 'product.updated'),
    "no product.updated: a customer reads only their own orders', payments' and refunds' events",
  );
}
